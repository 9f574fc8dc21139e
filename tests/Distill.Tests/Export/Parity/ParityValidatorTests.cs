using Distill.Export.Mapping;
using Distill.Export.Parity;
using Distill.Models;
using Distill.Onnx;
using Distill.Tests.Support;
using Distill.Tokenization;
using Google.Protobuf;
using Distill.Tasks;

namespace Distill.Tests.Export.Parity;

public sealed class ParityValidatorTests
{
    public ParityValidatorTests() => TestAssets.EnsureTorch();

    private static ParityReport Validate(LoadedModel model, TemporaryDirectory dir, IReadOnlyList<int> batchSizes, bool hiddenState = false)
    {
        var path = dir.File("model.onnx");
        File.WriteAllBytes(path, BertExport.Build(model, hiddenState: hiddenState).ToByteArray());
        File.WriteAllLines(dir.File("vocab.txt"), TinyTask.Vocabulary);
        var tokenizer = WordPieceEncoder.FromVocabFile(dir.File("vocab.txt"));
        var texts = new[] { "the movie was very good !", "bad .", "the plot is boring and the acting is awful ." }
            .Select(t => tokenizer.Encode(t)).Append(tokenizer.Encode("the film", "was fun")).ToList();
        using var session = OnnxEncoderSession.Create(path, threads: 1, preferCuda: false, _ => { });
        return ParityValidator.Run(model, session, texts, batchSizes, tokenizer.PadId);
    }

    [Fact]
    public void Run_QaModel_StartEndAndSpanAgreementPerInput()
    {
        using var dir = new TemporaryDirectory();
        using var model = TinyExportModels.Create(TaskKind.Qa);

        var report = Validate(model, dir, [1, 3]);

        Assert.Equal([OutputNames.StartLogits, OutputNames.EndLogits], report.Outputs.Select(o => o.Name));
        Assert.All(report.Outputs, o => Assert.Equal(8, o.Decisions)); // 4 inputs × 2 batch sizes, one start (or end) each
        Assert.All(report.Outputs, o => Assert.Equal(1.0, o.Agreement));
        Assert.Equal(1.0, report.SpanAgreement);
        Assert.All(report.Outputs, o => Assert.InRange(o.MaxAbsDiff, 0, 1e-4));
        Assert.Empty(report.Failures(1e-4));
    }

    [Fact]
    public void Run_TaggingModel_OneDecisionPerRealToken()
    {
        using var dir = new TemporaryDirectory();
        using var model = TinyExportModels.Create(TaskKind.Tagging);

        var report = Validate(model, dir, [4], hiddenState: true);

        // Real tokens with [CLS]/[SEP]: 8 + 4 + 12 + 7 = 31; padding positions are not compared.
        var logits = report.Outputs.Single(o => o.Name == OutputNames.Logits);
        Assert.Equal(31, logits.Decisions);
        Assert.Equal(31 * 3, logits.Values);
        Assert.Equal(31 * 32, report.Outputs.Single(o => o.Name == OutputNames.LastHiddenState).Values);
        Assert.Null(report.SpanAgreement);
        Assert.Equal((4, 12), (report.MinLength, report.MaxLength));
    }

    [Fact]
    public void Failures_SeveralOutputsOverLimits_ListsEach()
    {
        var report = new ParityReport(
            [
                new OutputParity("logits", 0.002, 0.0001, 30, 0.9, 10),
                new OutputParity("last_hidden_state", 0.00005, 0.00001, 300, null, 0),
                new OutputParity("pooler_output", double.NaN, double.NaN, 30, null, 0),
            ], 10, [1], 3, 9, null);

        var failures = report.Failures(atol: 1e-4, minAgreement: 0.99);

        Assert.Equal(
        [
            "logits: max_abs_diff 0.002 > atol 0.0001",
            "logits: argmax agreement 90.00 % < 99.00 %",
            "pooler_output: max_abs_diff NaN > atol 0.0001",
        ], failures);
    }
}
