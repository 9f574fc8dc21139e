using System.Text.Json.Nodes;
using Distill.Export.Exporting;
using Distill.Features;
using Distill.Inference;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;
using Distill.Errors;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Tests.Export.Exporting;

/// <summary>
/// The export directory as outside clients load it: the file list of transformers.js's and Optimum's layout, the
/// labels and lengths in its config files, and transformers.js itself reading our tokenizer.json with no vocab.txt.
/// </summary>
public sealed class ExportLayoutTests
{
    private static readonly string[] Labels = ["negative", "positive"];

    /// <summary>Text that BERT's basic tokenization treats specially: each must give our ids through tokenizer.json alone.</summary>
    private static readonly string[] EdgeCases =
    [
        "A man is playing a guitar.",
        "Héllo wörld, naïve café façade",
        "He\u0301llo decomposed accents",
        "ÀÉÎÕÜ Straße Ωmega",
        "我爱北京天安门 and 東京タワー",
        "こんにちは 안녕하세요",
        "I love it 😀🎉! 👍🏽",
        "tabs\tand\nnew\r\nlines",
        "control\u0000\u0007chars\u200b here\ufffd gone",
        "non\u00a0breaking\u2003spaces",
        "$100 + 5% = €105 ©2024 #tag @user",
        "supercalifragilisticexpialidocious " + new string('a', 99) + " " + new string('b', 101),
        "Don't stop-believing... (really)!",
        "",
    ];

    public ExportLayoutTests() => TestAssets.EnsureTorch();

    [Fact]
    public void Export_ToDirectory_WritesTheHuggingFaceLayoutWithLabelsAndLength()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);
        var output = dir.File("export");

        var result = OnnxExporter.Export(new ExportRequest(modelDir, output) { MaxSeqLength = 24 }, _ => { });

        Assert.True(result.Published, string.Join("; ", result.Failures));
        // transformers.js: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx; Optimum: config.json and
        // one .onnx file; the slow BertTokenizer and older clients: vocab.txt, special_tokens_map.json.
        string[] expected = ["config.json", "onnx/model.onnx", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"];
        // manifest.json (published with them as one unit) records each one's SHA-256.
        var written = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Append("manifest.json").Order(StringComparer.Ordinal), written);
        Assert.Equal(expected, ExportLayout.Files.Order(StringComparer.Ordinal));
        Assert.Equal(expected, ExportManifest.TryLoad(output)!.Files.Keys);
        Assert.Equal(Path.Combine(output, "onnx", "model.onnx"), result.OutputPath);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!;
        Assert.Equal("neg", (string?)config["id2label"]!["0"]);
        Assert.Equal("pos", (string?)config["id2label"]!["1"]);
        Assert.Equal(1, (int?)config["label2id"]!["pos"]);
        Assert.Equal("BertForSequenceClassification", (string?)config["architectures"]![0]);
        var tokenizerConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "tokenizer_config.json")))!;
        Assert.Equal(24, (int?)tokenizerConfig["model_max_length"]);
        Assert.Equal(24, (int?)JsonNode.Parse(File.ReadAllText(Path.Combine(output, "tokenizer.json")))!["truncation"]!["max_length"]);

        using var student = OnnxStudent.Load(output, new OnnxStudentOptions { PreferCuda = false });
        Assert.Equal(24, student.Metadata.MaxSeqLength);
        Assert.Equal(["neg", "pos"], student.Metadata.Labels);
        Assert.Equal(2, student.Classify("the cat").Probabilities.Count);
    }

    [Fact]
    public void ResolveModel_DirectoryFlatDirectoryOrFile_TheModelAndItsFilesDirectory()
    {
        using var dir = new TemporaryDirectory();
        Directory.CreateDirectory(dir.File("layout", "onnx"));
        File.WriteAllText(dir.File("layout", "onnx", "model.onnx"), "");
        File.WriteAllText(dir.File("layout", "vocab.txt"), "");
        Directory.CreateDirectory(dir.File("flat", "onnx"));
        File.WriteAllText(dir.File("flat", "model.onnx"), "");
        // A flat export written into a folder that happens to be called onnx: its files lie beside it.
        File.WriteAllText(dir.File("flat", "onnx", "student.onnx"), "");
        File.WriteAllText(dir.File("flat", "onnx", "vocab.txt"), "");
        Directory.CreateDirectory(dir.File("empty"));

        Assert.Equal(dir.File("layout", "onnx", "model.onnx"), ExportLayout.ResolveModel(dir.File("layout")));
        Assert.Equal(dir.File("layout"), ExportLayout.FilesDirectory(ExportLayout.ResolveModel(dir.File("layout"))));
        Assert.Equal(dir.File("flat", "model.onnx"), ExportLayout.ResolveModel(dir.File("flat")));
        Assert.Equal(dir.File("flat"), ExportLayout.FilesDirectory(dir.File("flat", "model.onnx")));
        Assert.Equal(dir.File("flat", "onnx"), ExportLayout.FilesDirectory(dir.File("flat", "onnx", "student.onnx")));
        Assert.Equal(dir.File("empty", "onnx", "model.onnx"), ExportLayout.ResolveModel(dir.File("empty")));
        Assert.Equal(dir.File("a.onnx"), ExportLayout.ResolveModel(dir.File("a.onnx")));
    }

    [Fact]
    public void Export_ModelInsideARun_DeclaresTheTrainedLength()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);
        // The model directory as a run's best/, beside the run file distill writes.
        Directory.CreateDirectory(dir.File("run"));
        Directory.Move(modelDir, dir.File("run", "best"));
        File.WriteAllText(dir.File("run", Distill.DistillStudent.Runs.DistillRunConfig.FileName), """{"training": {"max_seq_length": 48}}""");
        var lines = new List<string>();

        var result = OnnxExporter.Export(new ExportRequest(dir.File("run", "best"), dir.File("export")), lines.Add);

        Assert.True(result.Published, string.Join("; ", result.Failures));
        using var student = OnnxStudent.Load(dir.File("export"), new OnnxStudentOptions { PreferCuda = false });
        Assert.Equal(48, student.Metadata.MaxSeqLength);
        Assert.Contains(lines, l => l.Contains("max_seq_length 48 (from", StringComparison.Ordinal) && l.Contains("distill_run.json", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainedLength_EachRunFileName_IsTheOneItsRunWrites()
    {
        Assert.Equal(
            [Distill.DistillStudent.Runs.TrainingRun.ConfigFile, Distill.DistillStudent.Runs.DistillRunConfig.FileName, Distill.DistillStudent.MultiTask.MultiTaskConfig.FileName],
            TrainedLength.RunFiles.Select(f => f.File));
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File(Distill.DistillStudent.Runs.TrainingRun.ConfigFile), new Distill.DistillStudent.Configuration.TrainingConfig { MaxSeqLength = 72 }.ToJson());
        Directory.CreateDirectory(dir.File("best"));

        Assert.Equal(72, TrainedLength.Find(dir.File("best"))!.Value.Length);
    }

    [Fact]
    public void Export_LengthAboveThePositionTable_RefusedNamingTheLimit()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);

        var error = Assert.Throws<ConfigException>(() => OnnxExporter.Export(new ExportRequest(modelDir, dir.File("export")) { MaxSeqLength = 513 }, _ => { }));

        Assert.Contains("max_seq_length 513 (from --max-seq-length) must be in [3, 512]", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("export", "onnx")));
    }

    [Fact]
    public void Export_Label2IdNotTheInverseOfId2Label_Refused()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);
        var configPath = Path.Combine(modelDir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["label2id"] = new JsonObject { ["neg"] = 1, ["pos"] = 0 };
        File.WriteAllText(configPath, config.ToJsonString());

        var error = Assert.Throws<ConfigException>(() => OnnxExporter.Export(new ExportRequest(modelDir, dir.File("export")), _ => { }));

        Assert.Contains("label2id {\"neg\": 1, \"pos\": 0} does not match id2label: expected {\"neg\": 0, \"pos\": 1}", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void TransformersJs_ExportWithoutVocabTxt_SameIdsAndProbabilitiesAsOurs(bool lowerCase)
    {
        TestAssets.RequireMiniLm();
        TransformersJs.Require();
        using var dir = new TemporaryDirectory();
        var modelDir = dir.File("model");
        var config = TinyExportModels.Config() with { VocabSize = File.ReadLines(TestAssets.MiniLmVocab).Count(), DoLowerCase = lowerCase };
        using (var model = TinyExportModels.Create(TaskKind.Classification, config, Labels))
        {
            TaskModelDirectory.Save(modelDir, (BertTaskModel)model.Module, Labels, TestAssets.MiniLmVocab);
        }
        const int maxLength = 20;
        var export = dir.File("export");
        Assert.True(OnnxExporter.Export(new ExportRequest(modelDir, export) { MaxSeqLength = maxLength }, _ => { }).Published);
        // What a user copies to a web server: everything but vocab.txt, so the ids can only come from tokenizer.json.
        var served = dir.File("served", "student");
        Directory.CreateDirectory(Path.Combine(served, "onnx"));
        foreach (var file in ExportLayout.Files.Where(f => f != "vocab.txt")) File.Copy(Path.Combine(export, file), Path.Combine(served, file));
        (string, string)[] pairs = [("Who is there?", "It's me, Mário 😀."), ("短い", "a much longer second segment of text")];

        var answer = TransformersJs.Run(dir.File("served"), "student", EdgeCases, pairs, classify: true);

        var ours = WordPieceEncoder.FromVocabFile(TestAssets.MiniLmVocab, new WordPieceOptions { LowerCase = lowerCase });
        for (var i = 0; i < EdgeCases.Length; i++)
        {
            Assert.True(ours.Encode(EdgeCases[i], maxLength: 10_000).Ids.SequenceEqual(Ids(answer["ids"]![i]!)),
                $"\"{EdgeCases[i]}\": ours [{string.Join(", ", ours.Encode(EdgeCases[i], maxLength: 10_000).Ids)}], transformers.js [{string.Join(", ", Ids(answer["ids"]![i]!))}]");
        }
        for (var i = 0; i < pairs.Length; i++)
        {
            Assert.Equal(ours.Encode(pairs[i].Item1, pairs[i].Item2, 10_000).Ids, Ids(answer["pair_ids"]![i]!));
        }
        // The pipeline truncates to model_max_length and runs onnx/model.onnx: our student's probabilities. transformers.js
        // (4.3.1) truncates after adding [CLS] and [SEP], so a longer input loses its [SEP] there, unlike ours and Python's
        // tokenizers; for that input it is compared with our model on the ids transformers.js feeds.
        using var student = OnnxStudent.Load(export, new OnnxStudentOptions { PreferCuda = false });
        for (var i = 0; i < EdgeCases.Length; i++)
        {
            var full = ours.Encode(EdgeCases[i], maxLength: 10_000);
            var expected = full.Length <= maxLength
                ? student.Classify(EdgeCases[i]).Probabilities
                : ClassPrediction.FromLogits(student.Logits([TruncatedAfterSpecials(full, maxLength)])[0], Labels).Probabilities;
            var scores = answer["scores"]![i]!.AsArray().ToDictionary(s => (string)s!["label"]!, s => (double)s!["score"]!);
            for (var label = 0; label < Labels.Length; label++)
            {
                Assert.True(Math.Abs(expected[label] - scores[Labels[label]]) < 1e-5, $"\"{EdgeCases[i]}\" {Labels[label]}: ours {expected[label]}, transformers.js {scores[Labels[label]]}");
            }
        }
    }

    private static TokenizedText TruncatedAfterSpecials(TokenizedText text, int length) =>
        new(text.Ids[..length], text.TypeIds[..length], text.Offsets[..length], text.Segments[..length], Truncated: true);

    private static int[] Ids(JsonNode node) => node.AsArray().Select(id => (int)id!).ToArray();
}
