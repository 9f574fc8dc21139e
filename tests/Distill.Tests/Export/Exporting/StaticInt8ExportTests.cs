using Distill.Export.Exporting;
using Distill.Export.Mapping;
using Distill.Export.Quantization;
using Distill.Models;
using Distill.Onnx;
using Distill.Tests.Support;
using Distill.Tokenization;
using Google.Protobuf;
using Onnx;
using Distill.Batches;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Tests.Export.Exporting;

/// <summary>Static int8 on a tiny BERT classifier, end to end through ONNX Runtime.</summary>
public sealed class StaticInt8ExportTests
{
    public StaticInt8ExportTests() => TestAssets.EnsureTorch();

    private const int Texts = 32;

    /// <summary>32 texts of 2 to 40 random tokens (seeded), so a batch of all of them pads most rows.</summary>
    private static IReadOnlyList<TokenizedText> RandomTexts(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Texts).Select(_ =>
        {
            var length = random.Next(2, 41);
            var ids = Enumerable.Range(0, length).Select(_ => random.Next(1, 60)).ToArray();
            return new TokenizedText(ids, new int[length], new (int, int)[length], new int[length], false);
        }).ToList();
    }

    private static float[] Probabilities(float[] logits, int row, int labels)
    {
        var slice = logits.AsSpan(row * labels, labels).ToArray();
        var max = slice.Max();
        var exp = slice.Select(v => MathF.Exp(v - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }

    /// <summary>Each text's probabilities run alone (batch 1) and all 32 padded in one batch; the largest difference and the label flips.</summary>
    private static (double MaxDifference, int Flips) AloneVersusBatched(ModelProto model, IReadOnlyList<TokenizedText> texts, int labels)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        using var session = OnnxEncoderSession.Create(path, threads: 1, preferCuda: false, _ => { });
        using var all = EncoderInputs.Pad(texts, padId: 0);
        var batched = session.Run(all, [OutputNames.Logits])[0].Values;
        var (difference, flips) = (0.0, 0);
        for (var row = 0; row < texts.Count; row++)
        {
            using var one = EncoderInputs.Pad([texts[row]], padId: 0);
            var alone = Probabilities(session.Run(one, [OutputNames.Logits])[0].Values, 0, labels);
            var inBatch = Probabilities(batched, row, labels);
            difference = Math.Max(difference, alone.Zip(inBatch, (a, b) => (double)Math.Abs(a - b)).Max());
            if (Array.IndexOf(alone, alone.Max()) != Array.IndexOf(inBatch, inBatch.Max())) flips++;
        }
        return (difference, flips);
    }

    [Fact]
    public void StaticInt8_TinyClassifier_SameProbabilitiesAloneAndInABatchOf32()
    {
        using var model = TinyExportModels.Create(TaskKind.Classification);
        var onnx = BertExport.Build(model);
        var options = new Int8Options { MinimumElements = 0 };
        var calibration = new Int8Calibration(
            RandomTexts(seed: 1).Chunk(8).Select(chunk => CalibrationData.Batch(PaddedTokens.Pad(chunk, 0))).ToList(), new CalibrationOptions());
        var staticInt8 = StaticInt8Quantizer.Quantize(onnx, calibration.Ranges(onnx, _ => { }), options);
        var dynamicInt8 = DynamicInt8Quantizer.Quantize(onnx, options).Model;
        var texts = RandomTexts(seed: 2);

        var (staticDifference, staticFlips) = AloneVersusBatched(staticInt8.Model, texts, model.Labels.Count);
        var (dynamicDifference, _) = AloneVersusBatched(dynamicInt8, texts, model.Labels.Count);

        // Every MatMul weight of the tiny model is quantized, and each reads a calibrated activation.
        Assert.Equal(2 * 6 + 2, staticInt8.Report.Quantized.Count(q => q.Op == "MatMul"));
        Assert.Equal(0, staticFlips);
        Assert.InRange(staticDifference, 0, 1e-5);
        // What the static scales avoid: with dynamic ones a sentence's answer moves with its batch.
        Assert.True(dynamicDifference > 1e-4, $"dynamic int8 moved probabilities by only {dynamicDifference}");
    }

    [Fact]
    public void Spread_TakesEvenStridesOverTheList()
    {
        Assert.Equal([0, 2, 5, 7], CalibrationData.Spread(Enumerable.Range(0, 10).ToList(), 4));
        Assert.Equal([0, 1, 2], CalibrationData.Spread([0, 1, 2], 300));
    }

    [Theory]
    [InlineData("training_config.json", """{"train_file": "TRAIN", "max_seq_length": 64}""")]
    [InlineData("distill_run.json", """{"training": {"train_file": "TRAIN", "max_seq_length": 64}, "cache": []}""")]
    public void RecordedRun_RunFileAboveBest_GivesItsTrainFileAndLength(string file, string json)
    {
        using var dir = new TemporaryDirectory();
        var train = dir.Write("train.jsonl", "");
        var best = Directory.CreateDirectory(dir.File("run", "best")).FullName;
        var source = dir.Write(Path.Combine("run", file), json.Replace("TRAIN", train.Replace("\\", "\\\\")));

        Assert.Equal((train, 64, source), CalibrationData.RecordedRun(best));
    }

    [Fact]
    public void Load_NoCalibrationFileAndNoRecordedRun_SaysWhatToPass()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);

        var error = Assert.Throws<ConfigException>(() => CalibrationData.Load(model, null, 300, _ => { }));

        Assert.Contains("--calibration FILE", error.Message);
        Assert.Contains("--int8-mode dynamic", error.Message);
    }

    [Fact]
    public void Load_DataFile_BatchesOfTheModelsTokensWithTheirMask()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var lines = new List<string>();

        var batches = CalibrationData.Load(model, dir.File("train.jsonl"), 5, lines.Add);

        Assert.Equal(5, batches.Sum(b => b.Shape[0]));
        Assert.Contains("int8 calibration on 5 examples", Assert.Single(lines));
        Assert.All(batches, b => Assert.Equal(b.Inputs[OutputNames.AttentionMask], b.TokenMask));
        Assert.All(batches, b => Assert.Equal(2, b.Inputs[OutputNames.InputIds][0])); // [CLS] of the tiny vocabulary
    }
}
