using Distill.Export.Quantization;
using Distill.Onnx;
using Distill.Tests.Support;
using Distill.Tokenization;
using Onnx;
using Distill.Batches;

namespace Distill.Tests.Export.Quantization;

/// <summary>The passes on the real all-MiniLM-L6-v2 (opset 13, Hugging Face export): mean-pooled sentence embeddings against float32
/// (padded batch, ORT_ENABLE_ALL, as a service would run it).</summary>
public sealed class MiniLmQuantizationTests
{
    /// <summary>The smallest cosine similarity between the two models' mean-pooled embeddings, sentence by sentence.</summary>
    private static double MinimumCosine(ModelProto expected, ModelProto actual)
    {
        using var dir = new TemporaryDirectory();
        var encoder = WordPieceEncoder.FromVocabFile(TestAssets.MiniLmVocab);
        using var batch = EncoderInputs.Pad(ParityCheck.DefaultSentences.Select(s => encoder.Encode(s)).ToList(), encoder.PadId);
        var pooled = new[] { expected, actual }.Select((model, i) =>
        {
            var path = dir.File($"{i}.onnx");
            TinyOnnx.Save(model, path);
            using var session = OnnxEncoderSession.Create(path, threads: 1, preferCuda: false, _ => { });
            var (states, shape) = session.LastHiddenState(batch);
            return MeanPooled(states, batch.MaskFlat, (int)shape[0], (int)shape[1], (int)shape[2]);
        }).ToList();
        return Enumerable.Range(0, batch.Size).Min(row => Cosine(pooled[0][row], pooled[1][row]));
    }

    private static double[][] MeanPooled(float[] states, long[] mask, int rows, int length, int hidden) =>
        Enumerable.Range(0, rows).Select(row =>
        {
            var tokens = Enumerable.Range(0, length).Where(t => mask[row * length + t] == 1).ToList();
            return Enumerable.Range(0, hidden).Select(h => tokens.Average(t => (double)states[(row * length + t) * hidden + h])).ToArray();
        }).ToArray();

    private static double Cosine(double[] x, double[] y) =>
        x.Zip(y, (a, b) => a * b).Sum() / Math.Sqrt(x.Sum(a => a * a) * y.Sum(b => b * b));

    [SkippableFact]
    public void Quantize_RealMiniLmDefaults_EmbeddingsCloseToFloat32()
    {
        TestAssets.RequireMiniLm();
        var model = OnnxGraph.Load(TestAssets.MiniLmOnnx).Model;

        var result = DynamicInt8Quantizer.Quantize(model);

        // Measured on 100 polarity sentences: minimum 0.985, mean 0.992 (README).
        Assert.InRange(MinimumCosine(model, result.Model), 0.97, 1.0);
        Assert.Equal(38, result.Report.Quantized.Count);
        Assert.InRange(result.Report.BytesAfter, 0, result.Report.BytesBefore / 3);
    }

    [SkippableFact]
    public void Convert_RealMiniLm_EmbeddingsMatchFloat32()
    {
        TestAssets.RequireMiniLm();
        var model = OnnxGraph.Load(TestAssets.MiniLmOnnx).Model;

        var result = Float16Converter.Convert(model);

        Assert.InRange(MinimumCosine(model, result.Model), 0.9999, 1.0);
        Assert.Equal(0, result.Report.ClampedValues);
    }
}
