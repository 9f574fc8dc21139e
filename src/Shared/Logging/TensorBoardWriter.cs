using Google.Protobuf;

namespace Distill.Logging;

/// <summary>
/// Writes scalar summaries to a TensorBoard event file, <c>events.out.tfevents.{unixSeconds}.{hostname}</c>, in a
/// directory that <c>tensorboard --logdir</c> can read. Events are buffered: call <see cref="Flush"/> at log
/// intervals so that a running TensorBoard sees them; <see cref="Dispose"/> flushes. Not thread-safe.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    // Field numbers of tensorflow/core/util/event.proto and summary.proto.
    private const int EventWallTime = 1, EventStep = 2, EventFileVersion = 3, EventSummary = 5;
    private const int SummaryValue = 1;
    private const int ValueTag = 1, ValueSimpleValue = 2;
    private const string FileVersion = "brain.Event:2";

    private readonly FileStream stream;
    private readonly TimeProvider time;
    private bool disposed;

    public TensorBoardWriter(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        this.time = time ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        stream = CreateEventFile(directory, this.time.GetUtcNow().ToUnixTimeSeconds());
        Path = stream.Name;
        WriteEvent(0, output =>
        {
            output.WriteTag(EventFileVersion, WireFormat.WireType.LengthDelimited);
            output.WriteString(FileVersion);
        });
    }

    /// <summary>The event file being written.</summary>
    public string Path { get; }

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> (e.g. <c>train/loss</c>) at <paramref name="step"/>; TensorBoard stores it as float32.</summary>
    public void AddScalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ObjectDisposedException.ThrowIf(disposed, this);
        // Every tag here is a field number below 16, which encodes in one byte.
        var valueSize = 1 + CodedOutputStream.ComputeStringSize(tag) + 1 + sizeof(float);
        var summarySize = 1 + CodedOutputStream.ComputeLengthSize(valueSize) + valueSize;
        WriteEvent(step, output =>
        {
            output.WriteTag(EventSummary, WireFormat.WireType.LengthDelimited);
            output.WriteLength(summarySize);
            output.WriteTag(SummaryValue, WireFormat.WireType.LengthDelimited);
            output.WriteLength(valueSize);
            output.WriteTag(ValueTag, WireFormat.WireType.LengthDelimited);
            output.WriteString(tag);
            output.WriteTag(ValueSimpleValue, WireFormat.WireType.Fixed32);
            output.WriteFloat((float)value);
        });
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        stream.Flush();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        stream.Dispose();
    }

    /// <summary>Frames one Event: wall time, step, then the fields <paramref name="writeContent"/> writes.</summary>
    private void WriteEvent(long step, Action<CodedOutputStream> writeContent)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            output.WriteTag(EventWallTime, WireFormat.WireType.Fixed64);
            output.WriteDouble((time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds);
            output.WriteTag(EventStep, WireFormat.WireType.Varint);
            output.WriteInt64(step);
            writeContent(output);
        }
        TfRecord.Write(stream, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static FileStream CreateEventFile(string directory, long unixSeconds)
    {
        var name = System.IO.Path.Combine(directory, $"events.out.tfevents.{unixSeconds}.{Environment.MachineName}");
        // Two writers started in the same second would share a name; number the later ones rather than overwrite.
        for (var attempt = 0; ; attempt++)
        {
            var path = attempt == 0 ? name : $"{name}.{attempt}";
            try
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Taken: try the next number.
            }
        }
    }
}
