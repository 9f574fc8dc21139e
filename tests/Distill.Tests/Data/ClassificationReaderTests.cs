using System.Text;
using Distill.Data;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

public sealed class ClassificationReaderTests
{
    private static readonly DataReadOptions Defaults = new();

    [Fact]
    public void Read_JsonLines_StringIntegerAndBoolLabelsPairsAndIds()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("train.jsonl", """
            {"text": "good film", "label": "pos"}

            {"text_a": "a premise", "text_b": "a hypothesis", "label": 2, "id": "x7"}
            {"text": "odd", "text_b": null, "label": true, "id": 41}
            """);

        var data = ClassificationReader.Read(path, Defaults);

        Assert.Equal(
            [
                new ClassificationExample("train.jsonl:1", "good film", null, "pos"),
                new ClassificationExample("x7", "a premise", "a hypothesis", "2"),
                new ClassificationExample("41", "odd", null, "true"),
            ],
            data.Examples);
        Assert.Equal(0, data.SkippedCount);
    }

    [Fact]
    public void Read_JsonLinesWithBom_FirstRecordParses()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("bom.json");
        File.WriteAllText(path, "{\"text\": \"a\", \"label\": 0}\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal([new ClassificationExample("bom.json:1", "a", null, "0")], ClassificationReader.Read(path, Defaults).Examples);
    }

    [Fact]
    public void Read_CustomColumns_AreUsedAndTextAIsNotAFallback()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("glue.jsonl", """{"sentence": "fine", "gold": 0, "idx": 3}""" + "\n");
        var options = new DataReadOptions { TextColumn = "sentence", LabelColumn = "gold", IdColumn = "idx" };

        var data = ClassificationReader.Read(path, options);

        Assert.Equal([new ClassificationExample("3", "fine", null, "0")], data.Examples);

        var other = dir.Write("pairs.jsonl", """{"text_a": "only a", "gold": 0}""" + "\n");
        var error = Assert.Throws<DataFormatException>(() => ClassificationReader.Read(other, options));
        Assert.Equal($"{other}:line 1: missing text field (expected \"sentence\", found fields: text_a, gold)", error.Message);
    }

    [Theory]
    [InlineData("{\"text\": \"a\", \"label\": 1", "line 2: malformed JSON (expected one JSON object per line; the parser says: ")]
    [InlineData("[1, 2]", "line 2: not a JSON object (expected {\"text\": ..., \"label\": ...}, found array [1, 2])")]
    [InlineData("{\"sentence\": \"a\", \"label\": 1}", "line 2: missing text field (expected \"text\" or \"text_a\", found fields: sentence, label)")]
    [InlineData("{\"text\": \"a\"}", "line 2: missing label (expected a value in \"label\", found none)")]
    [InlineData("{\"text\": \" \\t \", \"label\": 1}", "line 2: empty text (expected non-blank text in \"text\", found \" \t \")")]
    [InlineData("{\"text\": 5, \"label\": 1}", "line 2: bad \"text\" (expected a string, found number 5)")]
    [InlineData("{\"text\": \"a\", \"label\": 1.5}", "line 2: bad \"label\" (expected a string, an integer or a boolean, found number 1.5)")]
    [InlineData("{\"text\": \"a\", \"text_b\": \"\", \"label\": 1}", "line 2: empty second text (expected non-blank text in \"text_b\" or no such field, found \"\")")]
    [InlineData("{\"text\": \"a\", \"label\": 1, \"id\": \"\"}", "line 2: empty id (expected a value in \"id\" or no such field, found \"\")")]
    [InlineData("{\"text\": \"a\", \"label\": 1, \"id\": \"first\"}", "line 2: duplicate example id \"first\" (expected unique ids, found the same id at line 1)")]
    public void Read_BadJsonLine_ErrorNamesFileLineAndProblem(string badLine, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("bad.jsonl", "{\"text\": \"ok\", \"label\": 0, \"id\": \"first\"}\n" + badLine + "\n");

        var error = Assert.Throws<DataFormatException>(() => ClassificationReader.Read(path, Defaults));

        Assert.StartsWith($"{path}:{expected}", error.Message);
        Assert.Equal(path, error.File);
        Assert.Equal("line 2", error.Location);
    }

    [Fact]
    public void Read_UnknownLabel_ListsTheKnownLabels()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("dev.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 7}\n");
        var labels = LabelSet.FromLabels(["0", "1"]);

        var error = Assert.Throws<DataFormatException>(() => ClassificationReader.Read(path, Defaults, labels));

        Assert.Equal($"{path}:line 2: unknown label (expected one of: 0, 1; found \"7\")", error.Message);
    }

    [Fact]
    public void Read_SkipBad_KeepsGoodRecordsAndCountsBadOnesWithReasons()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("mixed.jsonl", string.Join('\n',
            "{\"text\": \"a\", \"label\": \"x\"}",
            "{not json",
            "{\"text\": \"\", \"label\": \"x\"}",
            "{\"text\": \"c\", \"label\": \"zzz\"}",
            "{\"text\": \"d\", \"label\": \"y\"}"));
        var options = new DataReadOptions { SkipBad = true };

        var data = ClassificationReader.Read(path, options, LabelSet.FromLabels(["x", "y"]));

        Assert.Equal(["mixed.jsonl:1", "mixed.jsonl:5"], data.Examples.Select(e => e.ExampleId));
        Assert.Equal(3, data.SkippedCount);
        Assert.StartsWith($"{path}:line 2: malformed JSON", data.SkippedReasons[0]);
        Assert.StartsWith($"{path}:line 3: empty text", data.SkippedReasons[1]);
        Assert.StartsWith($"{path}:line 4: unknown label", data.SkippedReasons[2]);
    }

    [Fact]
    public void Read_CsvWithBomAndQuoting_CellsAndRecordStartLines()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("reviews.csv");
        var csv = "text,label\r\n"
            + "\"one, two\",pos\r\n"
            + "\"she said \"\"hi\"\"\",neg\r\n"
            + "\"first line\nsecond line\",pos\r\n"
            + "\r\n"
            + "plain \"inner\" quotes,neg";
        File.WriteAllText(path, csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var data = ClassificationReader.Read(path, Defaults);

        Assert.Equal(
            [
                new ClassificationExample("reviews.csv:2", "one, two", null, "pos"),
                new ClassificationExample("reviews.csv:3", "she said \"hi\"", null, "neg"),
                new ClassificationExample("reviews.csv:4", "first line\nsecond line", null, "pos"),
                new ClassificationExample("reviews.csv:7", "plain \"inner\" quotes", null, "neg"),
            ],
            data.Examples);
    }

    [Fact]
    public void Read_GlueStyleTsv_PairsAndIdColumn()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("dev.tsv", "id\ttext_a\ttext_b\tlabel\nq1\tA man sleeps.\tA person rests, quietly.\tentailment\nq2\tx\ty\tneutral\n");

        var data = ClassificationReader.Read(path, Defaults);

        Assert.Equal(
            [
                new ClassificationExample("q1", "A man sleeps.", "A person rests, quietly.", "entailment"),
                new ClassificationExample("q2", "x", "y", "neutral"),
            ],
            data.Examples);
    }

    [Theory]
    [InlineData("text,label\nshort\n", "line 2: wrong number of cells (expected 2, one per column: text, label; found 1)")]
    [InlineData("text,label\na,b,c\n", "line 2: wrong number of cells (expected 2, one per column: text, label; found 3)")]
    [InlineData("sentence,label\na,1\n", "line 1: missing text column (expected \"text\" or \"text_a\", found columns: sentence, label)")]
    [InlineData("text,gold\na,1\n", "line 1: missing label column (expected \"label\", found columns: text, gold)")]
    [InlineData("text,label\nok,1\n\"never closed,1\nmore,2\n", "line 3: unterminated quoted cell (expected a closing '\"', found the end of the file)")]
    [InlineData("text,label\n\"quoted\"tail,1\n", "line 2: text after the closing quote of cell 1 (expected ',' or a line end, found 't')")]
    [InlineData("text,label\n  ,1\n", "line 2: empty text (expected non-blank text in \"text\", found \"  \")")]
    [InlineData("text,label\na,\n", "line 2: missing label (expected a value in \"label\", found \"\")")]
    [InlineData("", "line 1: no header row (expected column names, found an empty file)")]
    [InlineData("text,label\n", "line 1: no examples (expected a row after the header, found none)")]
    public void Read_BadCsv_ErrorNamesFileLineAndProblem(string csv, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("bad.csv", csv);

        var error = Assert.Throws<DataFormatException>(() => ClassificationReader.Read(path, Defaults));

        Assert.Equal($"{path}:{expected}", error.Message);
    }

    [Fact]
    public void Read_CsvSkipBad_ResumesAfterTheBadRecord()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("rows.csv", "text,label\n\"x\"y,1\nshort\ngood,2\n");

        var data = ClassificationReader.Read(path, new DataReadOptions { SkipBad = true });

        Assert.Equal([new ClassificationExample("rows.csv:4", "good", null, "2")], data.Examples);
        Assert.Equal(2, data.SkippedCount);
    }

    [Fact]
    public void Read_UnknownExtension_NamesTheKnownOnes()
    {
        var error = Assert.Throws<DataFormatException>(() => ClassificationReader.Read("data/train.parquet", Defaults));

        Assert.Equal("data/train.parquet: unknown data file extension (expected .jsonl, .json, .csv or .tsv, found \".parquet\")", error.Message);
    }

    [Fact]
    public void Read_SameContentInAnotherFolder_SameIds()
    {
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();
        const string content = "{\"text\": \"a\", \"label\": 0}\n\n{\"text\": \"b\", \"label\": 1}\n";

        var a = ClassificationReader.Read(first.Write("train.jsonl", content), Defaults);
        var b = ClassificationReader.Read(second.Write("train.jsonl", content), Defaults);

        Assert.Equal(["train.jsonl:1", "train.jsonl:3"], a.Examples.Select(e => e.ExampleId));
        Assert.Equal(a.Examples, b.Examples);
    }

    [Fact]
    public void Read_TwentyThousandCsvRows_ReadsQuickly()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("big.csv");
        var builder = new StringBuilder("id,text,label\n");
        for (var i = 0; i < 20_000; i++) builder.Append($"r{i},\"sentence number {i}, with a comma\",{i % 3}\n");
        File.WriteAllText(path, builder.ToString());
        var data = ClassificationReader.Read(path, Defaults);

        Assert.Equal(20_000, data.Examples.Count);
        Assert.Equal(new ClassificationExample("r19999", "sentence number 19999, with a comma", null, "1"), data.Examples[^1]);
    }
}
