using System.Buffers.Binary;
using Distill.Logging;
using Distill.Tests.Support;
using Google.Protobuf;

namespace Distill.Tests.Logging;

public sealed class TensorBoardWriterTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_704_067_200).AddSeconds(0.5);

    private sealed record Event(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Values);

    [Fact]
    public void AddScalar_ThenDispose_FileReadsBackWithValidFraming()
    {
        using var dir = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, clock))
        {
            path = writer.Path;
            clock.AdvanceSeconds(2);
            writer.AddScalar("train/loss", 0.25, 10);
            writer.AddScalar("dev/accuracy", 0.75, 20);
        }

        Assert.Equal($"events.out.tfevents.1704067200.{Environment.MachineName}", Path.GetFileName(path));
        var events = ReadEvents(path);
        Assert.Equal(3, events.Count);
        Assert.Equal((1_704_067_200.5, 0L, "brain.Event:2"), (events[0].WallTime, events[0].Step, events[0].FileVersion));
        Assert.Empty(events[0].Values);
        Assert.Equal((1_704_067_202.5, 10L, (string?)null), (events[1].WallTime, events[1].Step, events[1].FileVersion));
        Assert.Equal([("train/loss", 0.25f)], events[1].Values);
        Assert.Equal(20, events[2].Step);
        Assert.Equal([("dev/accuracy", 0.75f)], events[2].Values);
    }

    [Fact]
    public void Flush_WhileOpen_EventsAreOnDisk()
    {
        using var dir = new TemporaryDirectory();
        using var writer = new TensorBoardWriter(dir.Path);
        writer.AddScalar("loss", 1.5, 3);

        writer.Flush();

        var events = ReadEvents(writer.Path);
        Assert.Equal(2, events.Count);
        Assert.Equal([("loss", 1.5f)], events[1].Values);
    }

    [Fact]
    public void Constructor_TwoWritersInOneSecond_UseDistinctFiles()
    {
        using var dir = new TemporaryDirectory();
        var clock = new ManualTimeProvider(Start);

        using var first = new TensorBoardWriter(dir.Path, clock);
        using var second = new TensorBoardWriter(dir.Path, clock);

        Assert.Equal(first.Path + ".1", second.Path);
    }

    /// <summary>Reads every record, checking both CRCs, and decodes each Event's fields by number.</summary>
    private static List<Event> ReadEvents(string path)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        var events = new List<Event>();
        var span = bytes.AsSpan();
        while (span.Length > 0)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(span));
            Assert.Equal(TfRecord.MaskedCrc32C(span[..8]), BinaryPrimitives.ReadUInt32LittleEndian(span[8..]));
            var data = span.Slice(12, length);
            Assert.Equal(TfRecord.MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(span[(12 + length)..]));
            events.Add(DecodeEvent(data.ToArray()));
            span = span[(16 + length)..];
        }
        return events;
    }

    private static Event DecodeEvent(byte[] data)
    {
        var input = new CodedInputStream(data);
        var result = new Event(double.NaN, -1, null, []);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            result = WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => result with { WallTime = input.ReadDouble() },
                2 => result with { Step = input.ReadInt64() },
                3 => result with { FileVersion = input.ReadString() },
                5 => result with { Values = [.. result.Values, .. DecodeSummary(input.ReadBytes())] },
                var other => throw new Xunit.Sdk.XunitException($"unexpected Event field {other}"),
            };
        }
        return result;
    }

    private static List<(string Tag, float Value)> DecodeSummary(ByteString summary)
    {
        var values = new List<(string, float)>();
        var input = summary.CreateCodedInput();
        while (input.ReadTag() is var tag && tag != 0)
        {
            Assert.Equal(1, WireFormat.GetTagFieldNumber(tag));
            var value = input.ReadBytes().CreateCodedInput();
            Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.LengthDelimited), value.ReadTag());
            var name = value.ReadString();
            Assert.Equal(WireFormat.MakeTag(2, WireFormat.WireType.Fixed32), value.ReadTag());
            values.Add((name, value.ReadFloat()));
            Assert.True(value.IsAtEnd);
        }
        return values;
    }
}
