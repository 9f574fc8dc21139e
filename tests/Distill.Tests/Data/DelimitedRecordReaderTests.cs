using Distill.Data;

namespace Distill.Tests.Data;

public sealed class DelimitedRecordReaderTests
{
    private static List<DelimitedRecord> ReadAll(string text, char delimiter = ',')
    {
        var reader = new DelimitedRecordReader(new StringReader(text), delimiter);
        var records = new List<DelimitedRecord>();
        while (reader.TryRead(out var record)) records.Add(record);
        return records;
    }

    [Fact]
    public void TryRead_QuotedLineBreaks_RecordsStartOnTheirPhysicalLine()
    {
        var records = ReadAll("a,\"b\r\nc\"\r\n\"\"\"\",\r\nlast\tcell");

        Assert.Equal([1, 3, 4], records.Select(r => r.Line));
        Assert.Equal(["a", "b\r\nc"], records[0].Cells);
        Assert.Equal(["\"", ""], records[1].Cells);
        Assert.Equal(["last\tcell"], records[2].Cells);
    }

    [Fact]
    public void TryRead_Tabs_SplitCellsAndKeepCommas()
    {
        var records = ReadAll("x, y\t\"1\t2\"\n", '\t');

        Assert.Equal(["x, y", "1\t2"], Assert.Single(records).Cells);
    }

    [Fact]
    public void TryRead_LoneCarriageReturn_IsText()
    {
        Assert.Equal(["a\rb", "c"], Assert.Single(ReadAll("a\rb,c\n")).Cells);
    }

    [Fact]
    public void TryRead_CrLfAcrossTheReadBuffer_StillOneLineEnd()
    {
        // The reader fills 65,536 characters at a time; put the '\r' of "\r\n" last in the first block.
        var first = new string('x', 65_535);

        var records = ReadAll(first + "\r\nnext\r\n");

        Assert.Equal([1, 2], records.Select(r => r.Line));
        Assert.Equal([first], records[0].Cells);
        Assert.Equal(["next"], records[1].Cells);
    }
}
