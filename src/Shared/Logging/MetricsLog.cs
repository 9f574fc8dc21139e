using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Distill.IO;

namespace Distill.Logging;

/// <summary>
/// Appends one JSON object per line (JSON Lines) to a metrics file, e.g.
/// <c>{"step":120,"epoch":0.4,"split":"dev","accuracy":0.91}</c>. Each line reaches the operating system
/// before <see cref="Write"/> returns, so a killed job keeps every line it wrote; an existing file is appended to,
/// after the lines of steps a resumed run will write again are dropped (<c>keepThroughStep</c>).
/// Non-finite values are written as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>,
/// which JSON numbers cannot express.
/// </summary>
internal sealed class MetricsLog : IDisposable
{
    private static readonly string[] ReservedKeys = ["step", "epoch", "split"];

    // The default encoder escapes HTML-sensitive characters (a metric named "loss+kd" would read
    // "loss\u002Bkd"); this file is never embedded in HTML, so keep names as written.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly FileStream stream;
    private readonly ArrayBufferWriter<byte> line = new();

    /// <param name="path">the metrics file</param>
    /// <param name="keepThroughStep">
    /// the step a run resumes after (0 for a fresh start): lines of later steps, written by a run killed after its last
    /// checkpoint, are dropped, as is a line cut by the kill, so that the resumed run does not repeat them
    /// </param>
    public MetricsLog(string path, long? keepThroughStep = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (keepThroughStep is { } last && File.Exists(path)) TrimAfter(path, last);
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

    /// <summary>Rewrites the file (atomically) without the lines of steps after <paramref name="last"/> and without a last line that lacks its newline.</summary>
    internal static void TrimAfter(string path, long last)
    {
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        // The piece after the last newline is empty, or a line cut by a crash.
        var kept = lines[..^1].Where(line => StepOf(line) is not { } step || step <= last).ToList();
        if (kept.Count == lines.Length - 1 && lines[^1].Length == 0) return;
        AtomicFile.WriteAllText(path, string.Concat(kept.Select(l => l + "\n")));
    }

    /// <summary>The line's step, or null for a line that is not one of ours (kept as it is).</summary>
    private static long? StepOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("step", out var step) && step.TryGetInt64(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

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
