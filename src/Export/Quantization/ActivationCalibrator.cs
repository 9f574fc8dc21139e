using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>How the calibration turns the values an activation took into its quantization range.</summary>
internal enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>The range that leaves out <see cref="CalibrationOptions.Percentile"/>'s complement on each side.</summary>
    Percentile,
}

/// <summary>Settings of <see cref="ActivationCalibrator"/>.</summary>
internal sealed record CalibrationOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Percentile method: the share of values kept inside the range, in percent, on each side.</summary>
    public double Percentile { get; init; } = 99.999;

    /// <summary>Percentile method: histogram bins over each activation's [min, max].</summary>
    public int Bins { get; init; } = 4096;

    public int Threads { get; init; } = 1;
}

/// <summary>
/// One batch of calibration inputs: int64 graph inputs of one (batch, sequence) shape, and which cells of that shape
/// are real tokens (1) rather than padding (0). Inputs the graph does not declare are not passed.
/// </summary>
internal sealed record CalibrationBatch(IReadOnlyDictionary<string, long[]> Inputs, long[] Shape, long[]? TokenMask);

/// <summary>
/// Runs the float model through ONNX Runtime over calibration batches, with the activations to quantize added as
/// graph outputs, and returns each one's range. Only real tokens count: an activation whose leading axes are the
/// batch's (batch, sequence) contributes the rows where the token mask is 1, so padding (whose values the model
/// ignores) cannot widen a range; any other activation (e.g. the pooled (batch, hidden) vectors) counts whole.
/// </summary>
internal static class ActivationCalibrator
{
    public static IReadOnlyDictionary<string, ActivationRange> Collect(ModelProto model, IReadOnlyCollection<string> activations,
        IReadOnlyList<CalibrationBatch> batches, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(batches);
        options ??= new CalibrationOptions();
        if (options.Percentile is <= 50 or > 100) throw new ArgumentOutOfRangeException(nameof(options), $"percentile {options.Percentile} must be in (50, 100]");
        if (batches.Count == 0) throw new ArgumentException("no calibration batches (expected at least one)", nameof(batches));
        if (activations.Count == 0) return new Dictionary<string, ActivationRange>();

        using var session = Probe(model, activations, options.Threads);
        var names = activations.ToList();
        var minimum = names.ToDictionary(n => n, _ => float.PositiveInfinity);
        var maximum = names.ToDictionary(n => n, _ => float.NegativeInfinity);
        Visit(session, names, batches, (name, values) =>
        {
            foreach (var value in values)
            {
                if (value < minimum[name]) minimum[name] = value;
                if (value > maximum[name]) maximum[name] = value;
            }
        });
        var empty = names.Where(n => float.IsPositiveInfinity(minimum[n])).ToList();
        if (empty.Count > 0)
        {
            throw new ArgumentException($"the calibration batches have no real token for {string.Join(", ", empty)} (expected at least one attention-mask 1)", nameof(batches));
        }
        if (options.Method == CalibrationMethod.MinMax) return names.ToDictionary(n => n, n => new ActivationRange(minimum[n], maximum[n]));

        var histograms = names.ToDictionary(n => n, n => new RangeHistogram(minimum[n], maximum[n], options.Bins));
        Visit(session, names, batches, (name, values) => histograms[name].Add(values));
        var outside = 1 - options.Percentile / 100;
        return histograms.ToDictionary(h => h.Key, h => new ActivationRange(h.Value.Lower(outside), h.Value.Upper(outside)));
    }

    /// <summary>The values of a (batch, sequence, …) output at the real tokens, row by row; other outputs whole.</summary>
    public static IEnumerable<ReadOnlyMemory<float>> RealValues(float[] values, long[] shape, CalibrationBatch batch)
    {
        var mask = batch.TokenMask;
        if (mask is null || shape.Length < 3 || shape[0] != batch.Shape[0] || shape[1] != batch.Shape[1])
        {
            yield return values;
            yield break;
        }
        var row = (int)(values.Length / (shape[0] * shape[1]));
        for (var cell = 0; cell < mask.Length; cell++)
        {
            if (mask[cell] != 0) yield return values.AsMemory(cell * row, row);
        }
    }

    private static InferenceSession Probe(ModelProto model, IEnumerable<string> activations, int threads)
    {
        var probe = model.Clone();
        var outputs = probe.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var name in activations.Where(outputs.Add))
        {
            probe.Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        }
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        return new InferenceSession(probe.ToByteArray(), options);
    }

    private delegate void Visitor(string activation, ReadOnlySpan<float> values);

    private static void Visit(InferenceSession session, IReadOnlyList<string> names, IReadOnlyList<CalibrationBatch> batches, Visitor add)
    {
        var declared = session.InputMetadata.Keys.ToHashSet();
        foreach (var batch in batches)
        {
            var inputs = batch.Inputs.Where(i => declared.Contains(i.Key)).ToList();
            var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Value, batch.Shape)).ToList();
            try
            {
                using var runOptions = new RunOptions();
                using var outputs = session.Run(runOptions, inputs.Select(i => i.Key).ToList(), values, names);
                for (var i = 0; i < names.Count; i++)
                {
                    var output = outputs[i];
                    var data = output.GetTensorDataAsSpan<float>().ToArray();
                    foreach (var row in RealValues(data, output.GetTensorTypeAndShape().Shape, batch)) add(names[i], row.Span);
                }
            }
            finally
            {
                foreach (var value in values) value.Dispose();
            }
        }
    }
}
