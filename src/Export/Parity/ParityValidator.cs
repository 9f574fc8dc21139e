using Distill.Export.Mapping;
using Distill.Models;
using Distill.Onnx;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Batches;
using Distill.Tasks;

namespace Distill.Export.Parity;

/// <summary>
/// Runs our model and the ONNX model on the same padded batches and compares every output of the ONNX model
/// over real tokens: absolute differences, and agreement of the decisions a user takes from them (the class,
/// each token's tag, the answer's start and end).
/// </summary>
internal static class ParityValidator
{
    /// <param name="model">our model</param>
    /// <param name="onnx">the exported model</param>
    /// <param name="texts">the inputs, batched in this order (so that mixed lengths pad)</param>
    /// <param name="batchSizes">every input is run once at each of these batch sizes</param>
    /// <param name="padId">the vocabulary's [PAD] id</param>
    public static ParityReport Run(LoadedModel model, OnnxEncoderSession onnx, IReadOnlyList<TokenizedText> texts, IReadOnlyList<int> batchSizes, int padId)
    {
        model.Module.eval();
        return Run(model.Kind, batch => TorchReference.Outputs(model, batch), onnx, texts, batchSizes, padId);
    }

    /// <summary>As above, for any model whose outputs under the graph's names <paramref name="ours"/> gives (in eval mode, inside the batch's dispose scope).</summary>
    /// <param name="kind">the model's task; null for a plain encoder</param>
    /// <param name="ours">our model's outputs on a batch</param>
    /// <param name="onnx">the exported model</param>
    /// <param name="texts">the inputs, batched in this order</param>
    /// <param name="batchSizes">every input is run once at each of these batch sizes</param>
    /// <param name="padId">the vocabulary's [PAD] id</param>
    public static ParityReport Run(TaskKind? kind, Func<EncoderInputs, IReadOnlyDictionary<string, Tensor>> ours, OnnxEncoderSession onnx,
        IReadOnlyList<TokenizedText> texts, IReadOnlyList<int> batchSizes, int padId)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        if (batchSizes.Count == 0 || batchSizes.Any(b => b < 1)) throw new ArgumentException("batch sizes must be positive", nameof(batchSizes));
        var names = onnx.OutputNames.ToList();
        var totals = names.ToDictionary(n => n, _ => new Accumulator());
        long spans = 0, spansAgreeing = 0;

        foreach (var size in batchSizes)
        {
            foreach (var chunk in texts.Chunk(size))
            {
                using var scope = NewDisposeScope();
                using var batch = EncoderInputs.Pad(chunk, padId);
                var expected = ours(batch);
                var unknown = names.Where(n => !expected.ContainsKey(n)).ToList();
                if (unknown.Count > 0)
                {
                    throw new OnnxImportException($"the ONNX model has outputs our {kind?.Name() ?? "encoder"} model does not: {string.Join(", ", unknown)}; ours: {string.Join(", ", expected.Keys)}");
                }
                var actual = onnx.Run(batch, names);
                var starts = new int[chunk.Length][];
                for (var i = 0; i < names.Count; i++)
                {
                    var reference = expected[names[i]];
                    var (values, shape) = actual[i];
                    if (!shape.SequenceEqual(reference.shape))
                    {
                        throw new OnnxImportException($"ONNX output {names[i]} has shape [{string.Join(",", shape)}], ours [{string.Join(",", reference.shape)}]");
                    }
                    var decisions = totals[names[i]].Add(names[i], kind, reference.data<float>().ToArray(), values, shape, batch.MaskFlat);
                    if (names[i] == OutputNames.StartLogits) starts = decisions;
                    if (names[i] == OutputNames.EndLogits && starts[0] is not null)
                    {
                        for (var row = 0; row < chunk.Length; row++)
                        {
                            spans++;
                            if (starts[row][0] == starts[row][1] && decisions[row][0] == decisions[row][1]) spansAgreeing++;
                        }
                    }
                }
            }
        }
        return new ParityReport(
            names.Select(n => totals[n].Result(n)).ToList(), texts.Count, batchSizes.ToList(),
            texts.Min(t => t.Length), texts.Max(t => t.Length), spans == 0 ? null : (double)spansAgreeing / spans);
    }

    private sealed class Accumulator
    {
        private double max, sum;
        private long values, decisions, agreeing;
        private bool decides;

        /// <summary>Adds one batch; returns per row the (ours, theirs) argmax over tokens for start/end logits.</summary>
        public int[][] Add(string name, TaskKind? kind, float[] ours, float[] theirs, long[] shape, long[] mask)
        {
            var (rows, length) = ((int)shape[0], shape.Length > 1 ? (int)shape[1] : 1);
            var perToken = name is OutputNames.LastHiddenState or OutputNames.StartLogits or OutputNames.EndLogits
                || (name == OutputNames.Logits && kind == TaskKind.Tagging);
            var width = ours.Length / rows / (perToken ? length : 1);
            var spanEnds = new int[rows][];
            for (var row = 0; row < rows; row++)
            {
                var positions = perToken ? length : 1;
                var best = (Ours: -1, Theirs: -1);
                for (var position = 0; position < positions; position++)
                {
                    if (perToken && mask[row * length + position] == 0) continue;
                    var offset = (row * positions + position) * width;
                    for (var j = 0; j < width; j++)
                    {
                        var diff = Math.Abs((double)ours[offset + j] - theirs[offset + j]);
                        max = Math.Max(max, double.IsNaN(diff) ? double.PositiveInfinity : diff);
                        sum += diff;
                    }
                    values += width;
                    if (name == OutputNames.Logits)
                    {
                        decides = true;
                        decisions++;
                        if (ArgMax(ours, offset, width) == ArgMax(theirs, offset, width)) agreeing++;
                    }
                    else if (width == 1 && perToken)
                    {
                        if (best.Ours < 0 || ours[offset] > ours[(row * positions + best.Ours)]) best.Ours = position;
                        if (best.Theirs < 0 || theirs[offset] > theirs[(row * positions + best.Theirs)]) best.Theirs = position;
                    }
                }
                if (name is OutputNames.StartLogits or OutputNames.EndLogits)
                {
                    decides = true;
                    decisions++;
                    if (best.Ours == best.Theirs) agreeing++;
                    spanEnds[row] = [best.Ours, best.Theirs];
                }
            }
            return spanEnds;
        }

        public OutputParity Result(string name) =>
            new(name, max, values == 0 ? 0 : sum / values, values, decides ? (double)agreeing / decisions : null, decisions);

        private static int ArgMax(float[] values, int offset, int width)
        {
            var best = 0;
            for (var j = 1; j < width; j++) if (values[offset + j] > values[offset + best]) best = j;
            return best;
        }
    }
}
