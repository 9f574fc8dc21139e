using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Distill.Logging;

/// <summary>
/// Appends one JSON object per line (JSON Lines) to a metrics file, e.g.
/// <c>{"step":120,"epoch":0.4,"split":"dev","accuracy":0.91}</c>. Each line reaches the operating system
/// before <see cref="Write"/> returns, so a killed job keeps every line it wrote; an existing file is appended to.
/// Non-finite values are written as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>,
/// which JSON numbers cannot express.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private static readonly string[] ReservedKeys = ["step", "epoch", "split"];

    // The default encoder escapes HTML-sensitive characters (a metric named "loss+kd" would read
    // "loss\u002Bkd"); this file is never embedded in HTML, so keep names as written.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly FileStream stream;
    private readonly ArrayBufferWriter<byte> line = new();

    public MetricsLog(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        Path = stream.Name;
    }

    public string Path { get; }

    /// <summary>Writes <c>step</c>, <c>epoch</c>, <c>split</c> (e.g. <c>train</c> or <c>dev</c>), then each value, as one line.</summary>
    public void Write(long step, double epoch, string split, IReadOnlyDictionary<string, double> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(split);
        ArgumentNullException.ThrowIfNull(values);
        var clash = ReservedKeys.FirstOrDefault(values.ContainsKey);
        if (clash is not null)
        {
            throw new ArgumentException(
                $"metric name \"{clash}\" is reserved for the line's own field; rename the metric (reserved: {string.Join(", ", ReservedKeys)})",
                nameof(values));
        }

        line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(line, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("step", step);
            WriteNumber(json, "epoch", epoch);
            json.WriteString("split", split);
            foreach (var (name, value) in values)
            {
                WriteNumber(json, name, value);
            }
            json.WriteEndObject();
        }
        line.Write("\n"u8);
        // One write per line, flushed at once, so a crash can cut at most the line being written.
        stream.Write(line.WrittenSpan);
        stream.Flush();
    }

    public void Dispose() => stream.Dispose();

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
