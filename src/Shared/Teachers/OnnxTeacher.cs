using Distill.Models;
using Distill.Onnx;
using Distill.Tasks;
using Distill.Tokenization;

namespace Distill.Teachers;

/// <summary>
/// Which outputs of an ONNX graph hold what: the logits (one name, or two for QA start and end logits, as
/// Hugging Face Optimum exports them), hidden states by layer number, and the pooled output.
/// </summary>
public sealed record OnnxTeacherOutputs(IReadOnlyList<string> Logits, IReadOnlyDictionary<int, string> Hidden, string? Pooled)
{
    /// <summary>Parses <c>logits=NAME</c>, <c>start_logits=NAME</c>, <c>end_logits=NAME</c>, <c>hidden.N=NAME</c>, <c>pooled=NAME</c>.</summary>
    public static OnnxTeacherOutputs Parse(IEnumerable<string> pairs)
    {
        string? logits = null, start = null, end = null, pooled = null;
        var hidden = new Dictionary<int, string>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[1].Length == 0) throw new ConfigException($"--onnx-output \"{pair}\" is not KEY=OUTPUT_NAME");
            var (key, name) = (parts[0], parts[1]);
            switch (key)
            {
                case "logits": logits = name; break;
                case "start_logits": start = name; break;
                case "end_logits": end = name; break;
                case "pooled": pooled = name; break;
                case var h when h.StartsWith("hidden.", StringComparison.Ordinal) && int.TryParse(h["hidden.".Length..], out var layer) && layer >= 0:
                    hidden[layer] = name;
                    break;
                default:
                    throw new ConfigException($"--onnx-output key \"{key}\" is not known; known: logits, start_logits, end_logits, hidden.N, pooled");
            }
        }
        if ((start is null) != (end is null)) throw new ConfigException("--onnx-output needs both start_logits and end_logits, or neither");
        if (logits is not null && start is not null) throw new ConfigException("--onnx-output takes logits or start_logits/end_logits, not both");
        IReadOnlyList<string> logitNames = logits is not null ? [logits] : start is not null ? [start, end!] : [];
        return new OnnxTeacherOutputs(logitNames, hidden, pooled);
    }
}

/// <summary>A teacher exported elsewhere (e.g. Hugging Face Optimum), run through ONNX Runtime.</summary>
public sealed class OnnxTeacher : ITeacher
{
    private readonly OnnxEncoderSession session;
    private readonly OnnxTeacherOutputs outputs;
    private readonly int padId;

    public OnnxTeacher(OnnxEncoderSession session, OnnxTeacherOutputs outputs, TaskKind kind, int logitWidth, BertConfig config, int padId)
    {
        this.session = session;
        this.outputs = outputs;
        this.padId = padId;
        Kind = kind;
        LogitWidth = outputs.Logits.Count == 0 ? 0 : logitWidth;
        HiddenSize = config.HiddenSize;
        NumLayers = config.NumHiddenLayers;
        NumHeads = config.NumAttentionHeads;
        var unknown = outputs.Logits.Concat(outputs.Hidden.Values).Append(outputs.Pooled).OfType<string>().Except(session.OutputNames).ToList();
        if (unknown.Count > 0)
        {
            throw new OnnxImportException($"the ONNX model has no output {string.Join(", ", unknown)}; its outputs are: {string.Join(", ", session.OutputNames)}");
        }
    }

    public TaskKind Kind { get; }
    public int LogitWidth { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public int NumHeads { get; }
    public bool HasPooler => outputs.Pooled is not null;

    public IReadOnlyList<TeacherOutput> Run(IReadOnlyList<TrainingFeature> batch, TeacherRequest request)
    {
        if (request.AttentionLayers.Count > 0) throw new ConfigException("attention probabilities cannot be read from an ONNX teacher; cache them from a TorchSharp teacher (--model)");
        var missing = request.HiddenLayers.Where(l => !outputs.Hidden.ContainsKey(l)).ToList();
        if (missing.Count > 0) throw new ConfigException($"hidden layers {string.Join(",", missing)} are not mapped to ONNX outputs; add --onnx-output hidden.N=NAME");

        using var inputs = InputBatch.Pad(batch.Select(f => f.Text).ToList(), padId);
        var names = outputs.Logits.Concat(request.HiddenLayers.Select(l => outputs.Hidden[l]))
            .Concat(request.Pooled && outputs.Pooled is not null ? [outputs.Pooled] : []).ToList();
        var values = session.Run(inputs, names);
        var results = new TeacherOutput[batch.Count];
        for (var row = 0; row < batch.Count; row++)
        {
            var length = batch[row].Text.Length;
            var at = outputs.Logits.Count;
            var logits = outputs.Logits.Count switch
            {
                0 => [],
                1 => RowValues(values[0], row, length, perToken: Kind != TaskKind.Classification),
                _ => Interleave(RowValues(values[0], row, length, perToken: true), RowValues(values[1], row, length, perToken: true)),
            };
            var hidden = request.HiddenLayers.Select((_, i) => RowValues(values[at + i], row, length, perToken: true)).ToList();
            var pooled = request.Pooled && outputs.Pooled is not null ? RowValues(values[^1], row, length, perToken: false) : null;
            results[row] = new TeacherOutput(logits, hidden, [], pooled);
        }
        return results;
    }

    /// <summary>Row <paramref name="row"/> of a (B, ...) output; per-token outputs keep their first <paramref name="length"/> positions.</summary>
    private static float[] RowValues((float[] Values, long[] Shape) output, int row, int length, bool perToken)
    {
        var rowSize = (int)(output.Values.Length / output.Shape[0]);
        var take = perToken ? (int)(rowSize / output.Shape[1] * length) : rowSize;
        return output.Values.AsSpan(row * rowSize, take).ToArray();
    }

    private static float[] Interleave(float[] start, float[] end)
    {
        var result = new float[start.Length * 2];
        for (var i = 0; i < start.Length; i++) (result[2 * i], result[2 * i + 1]) = (start[i], end[i]);
        return result;
    }

    public void Dispose() => session.Dispose();
}
