using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

public sealed class SquadReaderTests
{
    private static readonly DataReadOptions Defaults = new();

    // Offsets by hand: "Paris is the capital of France." → "Paris" at 0, "France" at 24.
    private const string TwoParagraphs = """
        {"version": "1.1", "data": [{"title": "Cities", "paragraphs": [
          {"context": "Paris is the capital of France.",
           "qas": [{"id": "q1", "question": "What is the capital of France?", "answers": [{"text": "Paris", "answer_start": 0}]},
                   {"id": "q2", "question": "Paris is the capital of what?", "answers": [{"text": "France", "answer_start": 24}, {"text": "France.", "answer_start": 24}]}]},
          {"context": "Rome lies on the Tiber.",
           "qas": [{"id": "q3", "question": "Which river?", "answers": [{"text": "the Tiber", "answer_start": 13}]}]}
        ]}]}
        """;

    /// <summary>The two-paragraph file with one edit at a JSON path.</summary>
    private static string WriteEdited(TemporaryDirectory dir, Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(TwoParagraphs)!;
        edit(root);
        return dir.Write("squad.json", root.ToJsonString());
    }

    private static JsonNode Qa(JsonNode root, int paragraph, int qa) => root["data"]![0]!["paragraphs"]![paragraph]!["qas"]![qa]!;

    [Fact]
    public void Read_TwoParagraphs_QuestionsWithTheirContextsAndAnswers()
    {
        using var dir = new TemporaryDirectory();

        var data = SquadReader.Read(dir.Write("squad.json", TwoParagraphs), Defaults);

        Assert.Equal(["q1", "q2", "q3"], data.Examples.Select(e => e.ExampleId));
        Assert.Equal("What is the capital of France?", data.Examples[0].Question);
        Assert.Equal("Paris is the capital of France.", data.Examples[1].Context);
        Assert.Equal([new QaAnswer("France", 24), new QaAnswer("France.", 24)], data.Examples[1].Answers);
        Assert.Equal("Rome lies on the Tiber.", data.Examples[2].Context);
        Assert.Equal([new QaAnswer("the Tiber", 13)], data.Examples[2].Answers);
    }

    [Fact]
    public void Read_Utf8Bom_Ignored()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("squad.json");
        File.WriteAllText(path, TwoParagraphs, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal(3, SquadReader.Read(path, Defaults).Examples.Count);
    }

    [Fact]
    public void Read_MalformedJson_GivesLineAndByte()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("squad.json", "{\"data\": [\n  {\"paragraphs\": ]\n]}");

        var error = Assert.Throws<DataFormatException>(() => SquadReader.Read(path, Defaults));

        Assert.Equal("line 2, byte 18", error.Location);
        Assert.StartsWith($"{path}:line 2, byte 18: malformed JSON (expected a SQuAD JSON document; the parser says: ", error.Message);
    }

    [Theory]
    [InlineData("""{"version": "1.1"}""", "$: missing \"data\" (expected an array of articles, found no such field)")]
    [InlineData("""[1]""", "$: not a SQuAD file (expected an object with \"data\", found array [1])")]
    [InlineData("""{"data": []}""", "data: no examples (expected at least one question, found none)")]
    [InlineData("""{"data": [{"paragraphs": [{"qas": []}]}]}""", "data[0].paragraphs[0]: missing \"context\" (expected a string, found no such field)")]
    public void Read_BadStructure_ErrorNamesThePath(string json, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("squad.json", json);

        var error = Assert.Throws<DataFormatException>(() => SquadReader.Read(path, Defaults));

        Assert.Equal($"{path}:{expected}", error.Message);
    }

    public static TheoryData<Action<JsonNode>, string> BadQuestions => new()
    {
        { root => Qa(root, 1, 0).AsObject().Remove("id"), "data[0].paragraphs[1].qas[0]: missing \"id\" (expected a string, found no such field)" },
        { root => Qa(root, 0, 1)["question"] = "  ", "data[0].paragraphs[0].qas[1]: empty question (expected text, found \"  \")" },
        { root => Qa(root, 1, 0)["id"] = "q1", "data[0].paragraphs[1].qas[0]: duplicate example id \"q1\" (expected unique ids, found the same id at data[0].paragraphs[0].qas[0])" },
        { root => Qa(root, 0, 0)["answers"] = new JsonArray(), "data[0].paragraphs[0].qas[0]: no answers (expected at least one; SQuAD v2 unanswerable questions are not supported, found [])" },
        {
            root => Qa(root, 0, 1)["answers"]![1]!["answer_start"] = 23,
            "data[0].paragraphs[0].qas[1].answers[1]: answer does not match the context (expected \"France.\" at answer_start 23, found \" France\"; the text occurs at offset 24)"
        },
        {
            root => Qa(root, 1, 0)["answers"]![0]!["text"] = "the Seine",
            "data[0].paragraphs[1].qas[0].answers[0]: answer does not match the context (expected \"the Seine\" at answer_start 13, found \"the Tiber\"; the text does not occur in the context)"
        },
        {
            root => Qa(root, 1, 0)["answers"]![0]!["answer_start"] = 40,
            "data[0].paragraphs[1].qas[0].answers[0]: answer does not match the context (expected \"the Tiber\" at answer_start 40, found the end of the context (23 characters); the text occurs at offset 13)"
        },
        { root => Qa(root, 0, 0)["answers"]![0]!["answer_start"] = -1, "data[0].paragraphs[0].qas[0].answers[0]: bad \"answer_start\" (expected a character offset from 0, found -1)" },
    };

    [Theory]
    [MemberData(nameof(BadQuestions))]
    public void Read_BadQuestion_ErrorNamesTheJsonPath(Action<JsonNode> edit, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = WriteEdited(dir, edit);

        var error = Assert.Throws<DataFormatException>(() => SquadReader.Read(path, Defaults));

        Assert.Equal($"{path}:{expected}", error.Message);
    }

    [Fact]
    public void Read_SkipBad_SkipsOnlyTheBadQuestion()
    {
        using var dir = new TemporaryDirectory();
        var path = WriteEdited(dir, root => Qa(root, 0, 1)["answers"]![0]!["answer_start"] = 25);

        var data = SquadReader.Read(path, new DataReadOptions { SkipBad = true });

        Assert.Equal(["q1", "q3"], data.Examples.Select(e => e.ExampleId));
        Assert.Equal(1, data.SkippedCount);
        Assert.StartsWith($"{path}:data[0].paragraphs[0].qas[1].answers[0]: answer does not match", data.SkippedReasons[0]);
    }
}
