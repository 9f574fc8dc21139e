using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Cli;
using Distill.Export;
using Distill.Metrics;
using Distill.Tests.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Export;

public sealed class PredictCommandTests
{
    // Hand-computed with TinyStudents' table: "the cat" (1.5, 2) → pos; "the the" (2.5, 0) → neg; "playing" (1, 1) → neg.
    private const string ClassificationData = """
        {"id": "a", "text": "the cat", "label": "pos"}
        {"id": "b", "text": "the the", "label": "neg"}
        {"id": "c", "text": "playing", "label": "pos"}
        """;

    private static CliRun Predict(params string[] args) => CliRun.Invoke(ExportCli.Create(), ["predict", .. args]);

    private static List<JsonObject> Lines(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    [Fact]
    public void Predict_TinyClassifier_HandComputedLabelsAndProbabilitiesInTheOutFile()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));

        var run = Predict("--onnx", model, "--data", dir.Write("dev.jsonl", ClassificationData), "--out", dir.File("predictions.jsonl"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Equal("", run.Output);
        var lines = Lines(File.ReadAllText(dir.File("predictions.jsonl")));
        Assert.Equal(["pos", "neg", "neg"], lines.Select(l => (string)l["label"]!));
        Assert.Equal(0.622459, (double)lines[0]["probabilities"]!["pos"]!, 6);
        Assert.Equal(0.924142, (double)lines[1]["probabilities"]!["neg"]!, 6);
        Assert.Equal(0.5, (double)lines[2]["probabilities"]!["pos"]!, 6);
    }

    [Fact]
    public void Predict_Logits_HandComputedUnroundedLogitsPerLabelInTheOutFile()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));

        var run = Predict("--onnx", model, "--data", dir.Write("dev.jsonl", ClassificationData), "--out", dir.File("predictions.jsonl"), "--logits");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var lines = Lines(File.ReadAllText(dir.File("predictions.jsonl")));
        // Σ of the table rows: [CLS] (0.5, 0) + "the" (1, 0) + "cat" (0, 2) = (1.5, 2); "the the" (2.5, 0); "play" "##ing" (1, 1).
        Assert.Equal([(1.5, 2.0), (2.5, 0.0), (1.0, 1.0)], lines.Select(l => ((double)l["logits"]!["neg"]!, (double)l["logits"]!["pos"]!)));
        Assert.Equal(0.622459, (double)lines[0]["probabilities"]!["pos"]!, 6);
    }

    [Fact]
    public void Predict_LogitsOfATagger_OneRowPerWordAtItsFirstPiece()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Tagger(dir.File("model"));

        var run = Predict("--onnx", model, "--data", dir.Write("dev.txt", "the/O cat/B-X playing/I-X\n"), "--logits");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var words = Lines(run.Output).Single()["logits"]!.AsArray();
        // "the" → O's row (1, 0, 0); "cat" → (0, 2, 0); "playing" is read at "play" (0, 0, 2), not "##ing".
        double[][] expected = [[1, 0, 0], [0, 2, 0], [0, 0, 2]];
        Assert.Equal(expected, words.Select(w => TinyStudents.TagLabels.Select(t => (double)w![t]!).ToArray()));
    }

    [Fact]
    public void Predict_LogitsOfAQaModel_RefusedWithUsageExit()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.QuestionAnswerer(dir.File("model"));

        var run = Predict("--onnx", model, "--data", dir.Write("dev.json", "{}"), "--logits");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("error: --logits is for classification and tagging models; ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_Eval_MetricsEqualTheMetricsCodeOnThePrintedPredictions()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));

        var run = Predict("--onnx", model, "--data", dir.Write("dev.jsonl", ClassificationData), "--eval", "--json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var lines = Lines(run.Output);
        string[] labels = ["neg", "pos"];
        var gold = lines.Select(l => Array.IndexOf(labels, (string)l["gold"]!)).ToList();
        var predicted = lines.Select(l => Array.IndexOf(labels, (string)l["label"]!)).ToList();
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(run.Error.Split('\n').Single(l => l.StartsWith('{')))!;
        Assert.Equal(ClassificationMetrics.Accuracy(gold, predicted), metrics["accuracy"]);
        Assert.Equal(ClassificationMetrics.MacroF1(gold, predicted), metrics["macro_f1"]);
        // Two of three right; each class has F1 2/3 (pos: 1 right, 1 missed; neg: 1 right, 1 wrongly predicted).
        Assert.Equal((2 / 3.0, 2 / 3.0), (metrics["accuracy"], metrics["macro_f1"]));
    }

    [Fact]
    public void Predict_TinyTagger_TagsPerWordAndTokenAccuracy()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Tagger(dir.File("model"));
        var data = dir.Write("dev.txt", "the/O cat/B-X playing/I-X\ncat/B-X the/B-X\n");

        var run = Predict("--onnx", model, "--data", data, "--out", dir.File("tags.jsonl"), "--eval");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var lines = Lines(File.ReadAllText(dir.File("tags.jsonl")));
        Assert.Equal([["O", "B-X", "I-X"], ["B-X", "O"]], lines.Select(l => l["tags"]!.AsArray().Select(t => (string)t!).ToArray()));
        // 4 of 5 words right; entities: gold (cat playing), (cat), (the); predicted (cat playing), (cat).
        Assert.StartsWith("token_accuracy=0.8000 entity_precision=1.0000 entity_recall=0.6667 entity_f1=0.8000", run.Output);
    }

    [Fact]
    public void Predict_TinyQa_AnswerSpansWithText()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.QuestionAnswerer(dir.File("model"));
        var squad = """
            {"data": [{"paragraphs": [{"context": "The cafe in Paris.", "qas": [
              {"id": "q1", "question": "Where is the cafe?", "answers": [{"text": "cafe in Paris", "answer_start": 4}]},
              {"id": "q2", "question": "Where?", "answers": [{"text": "Paris", "answer_start": 12}]}]}]}]}
            """;

        var run = Predict("--onnx", model, "--data", dir.Write("dev.json", squad), "--out", dir.File("answers.jsonl"), "--eval");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var lines = Lines(File.ReadAllText(dir.File("answers.jsonl")));
        Assert.All(lines, l => Assert.Equal(("cafe in Paris", 4, 17), ((string)l["answer"]!, (int)l["start"]!, (int)l["end"]!)));
        // q1 exact; q2 F1 = 2·(1/3·1)/(1/3 + 1) = 0.5.
        Assert.StartsWith("exact_match=0.5000 f1=0.7500", run.Output);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("text")]
    public void Predict_UnreadableOnnx_OneErrorLineAndBadInputExit(string damage)
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));
        var bytes = File.ReadAllBytes(model);
        if (damage == "truncated") File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        else File.WriteAllText(model, "not a model\n");

        var run = Predict("--onnx", model, "--data", dir.Write("dev.jsonl", ClassificationData));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:"));
        Assert.StartsWith($"error: {model}: not a model ONNX Runtime can load (expected a complete ONNX file; ONNX Runtime says: ", line);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public void Predict_EncoderWithoutTaskMetadata_OneErrorLineNamingTheKey()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"), metadata: new Dictionary<string, string>());

        var run = Predict("--onnx", model, "--data", dir.Write("dev.jsonl", ClassificationData));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"error: {model}: metadata \"task\": expected one of classification, tagging, qa", run.Error);
    }
}
