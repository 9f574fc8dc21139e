using Distill.Data;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

public sealed class TaggingReaderTests
{
    private static readonly DataReadOptions Defaults = new();

    [Fact]
    public void Read_ConllWithDocStartAndBlankLines_SentencesWithFirstAndLastColumns()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("train.conll", string.Join('\n',
            "-DOCSTART- -X- -X- O",
            "",
            "EU NNP B-NP B-ORG",
            "rejects VBZ B-VP O",
            "",
            "",
            "",
            "Peter NNP B-NP B-PER",
            "-DOCSTART- -X- -X- O",
            "Blackburn NNP B-NP B-PER",
            ""));

        var data = TaggingReader.Read(path, Defaults);

        Assert.Equal(3, data.Examples.Count);
        Assert.Equal("train.conll:3", data.Examples[0].ExampleId);
        Assert.Equal(["EU", "rejects"], data.Examples[0].Words);
        Assert.Equal(["B-ORG", "O"], data.Examples[0].Tags);
        Assert.Equal("train.conll:8", data.Examples[1].ExampleId);
        Assert.Equal(["Peter"], data.Examples[1].Words);
        Assert.Equal("train.conll:10", data.Examples[2].ExampleId);
        Assert.Equal(["B-PER"], data.Examples[2].Tags);
    }

    [Fact]
    public void Read_WordTag_SplitsAtTheLastSlash()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("tagged.txt", "Cats/NNS and/or/CC dogs/NNS ?/.\n\n1/2/CD //SYM\n");

        var data = TaggingReader.Read(path, Defaults);

        Assert.Equal(2, data.Examples.Count);
        Assert.Equal("tagged.txt:1", data.Examples[0].ExampleId);
        Assert.Equal(["Cats", "and/or", "dogs", "?"], data.Examples[0].Words);
        Assert.Equal(["NNS", "CC", "NNS", "."], data.Examples[0].Tags);
        Assert.Equal("tagged.txt:3", data.Examples[1].ExampleId);
        Assert.Equal(["1/2", "/"], data.Examples[1].Words);
        Assert.Equal(["CD", "SYM"], data.Examples[1].Tags);
    }

    [Theory]
    [InlineData("-DOCSTART- -X- O\n\nEU B-ORG\n", TaggingFormat.Conll)]
    [InlineData("http://x.org/a URL\n", TaggingFormat.Conll)]
    [InlineData("Hi/UH\n", TaggingFormat.WordTag)]
    [InlineData("\n  \nThe/DT cat/NN\n", TaggingFormat.WordTag)]
    [InlineData("The/DT cat/ sat/VBD\n", TaggingFormat.Conll)]
    [InlineData("", TaggingFormat.Conll)]
    public void Detect_FirstSentenceLine_DecidesTheFormat(string content, TaggingFormat expected)
    {
        using var dir = new TemporaryDirectory();

        Assert.Equal(expected, TaggingReader.Detect(dir.Write("data.txt", content), new DataReadOptions()));
    }

    [Theory]
    [InlineData(TaggingFormat.Conll, "EU B-ORG\nrejects\n", "line 2: a token line with no tag (expected a word and a tag separated by whitespace, found only \"rejects\")")]
    [InlineData(TaggingFormat.Conll, "EU NNP B-ORG\nrejects O\n", "line 2: wrong number of columns (expected 3 as on line 1, found 2; if the file has one sentence per line, set TaggingFormat to WordTag)")]
    [InlineData(TaggingFormat.WordTag, "The/DT\nThe/DT cat sat/VBD\n", "line 2: bad token 2 (expected word/TAG with a non-empty word and tag, found \"cat\")")]
    [InlineData(TaggingFormat.WordTag, "The/DT\nThe/DT cat/\n", "line 2: bad token 2 (expected word/TAG with a non-empty word and tag, found \"cat/\")")]
    [InlineData(TaggingFormat.WordTag, "The/DT\n/NN\n", "line 2: bad token 1 (expected word/TAG with a non-empty word and tag, found \"/NN\")")]
    [InlineData(TaggingFormat.Auto, "\n\n", "line 1: no examples (expected token lines of a sentence, found none)")]
    public void Read_BadLine_ErrorNamesFileLineAndProblem(TaggingFormat format, string content, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("bad.txt", content);

        var error = Assert.Throws<DataFormatException>(() => TaggingReader.Read(path, new DataReadOptions { TaggingFormat = format }));

        Assert.Equal($"{path}:{expected}", error.Message);
    }

    [Fact]
    public void Read_ConllSkipBad_DropsTheWholeSentence()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("ner.conll", "EU B-ORG\n\nbad\nline O\n\nPeter B-PER\n");

        var data = TaggingReader.Read(path, new DataReadOptions { SkipBad = true });

        Assert.Equal(["ner.conll:1", "ner.conll:6"], data.Examples.Select(e => e.ExampleId));
        Assert.Equal(1, data.SkippedCount);
        Assert.StartsWith($"{path}:line 3: a token line with no tag", data.SkippedReasons[0]);
    }

    [Fact]
    public void Read_WordTagSkipBad_DropsTheLine()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("pos.txt", "A/DT\nB C/NN\nD/NN\n");

        var data = TaggingReader.Read(path, new DataReadOptions { SkipBad = true });

        Assert.Equal(["pos.txt:1", "pos.txt:3"], data.Examples.Select(e => e.ExampleId));
        Assert.Equal([$"{path}:line 2: bad token 1 (expected word/TAG with a non-empty word and tag, found \"B\")"], data.SkippedReasons);
    }

    [SkippableFact]
    public void Read_PatternOancCorpus_EveryLineIsASentence()
    {
        var path = Path.Combine(TestAssets.RepositoryRoot, "pipelines", ".assets", "downloads", "pattern", "usr", "share", "doc", "python3-pattern", "test", "corpora", "tagged-en-oanc.txt");
        Skip.IfNot(File.Exists(path), $"{path} is absent (Debian's python3-pattern test corpus; pipelines/fetch-assets.sh data unpacks it)");
        var data = TaggingReader.Read(path, new DataReadOptions());

        Assert.Equal(20_000, data.Examples.Count);
        Assert.Equal(0, data.SkippedCount);
        var first = data.Examples[0];
        Assert.Equal("tagged-en-oanc.txt:1", first.ExampleId);
        Assert.Equal(["Has", "the", "Internet", "abandoned", "its", "role", "as", "the", "leading", "incubator", "of", "political", "rumor", "?"], first.Words);
        Assert.Equal(["VBZ", "DT", "NN", "VBD", "PRP$", "NN", "IN", "DT", "VBG", "NN", "IN", "JJ", "NN", "."], first.Tags);
        Assert.All(data.Examples, e => Assert.Equal(e.Words.Count, e.Tags.Count));
    }
}
