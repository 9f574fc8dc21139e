using Distill.Models;
using Distill.Onnx;
using Distill.Tasks;
using Distill.Tokenization;
using Distill.Batches;
using Distill.Errors;

namespace Distill.Teachers;

/// <summary>A teacher exported elsewhere (e.g. Hugging Face Optimum), run through ONNX Runtime.</summary>
internal sealed class OnnxTeacher : ITeacherModel
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
        LogitWidth = logitWidth;
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
        if (request.ProjectionLayers.Count > 0) throw new ConfigException("self-attention projections (for relation matches) cannot be read from an ONNX teacher; cache them from a TorchSharp teacher (--model)");
        if (request.AttentionLayers.Count > 0) throw new ConfigException("attention probabilities cannot be read from an ONNX teacher; cache them from a TorchSharp teacher (--model)");
        var missing = request.HiddenLayers.Where(l => !outputs.Hidden.ContainsKey(l)).ToList();
        if (missing.Count > 0) throw new ConfigException($"hidden layers {string.Join(",", missing)} are not mapped to ONNX outputs; add --onnx-output hidden.N=NAME");

        using var inputs = EncoderInputs.Pad(batch.Select(f => f.Text).ToList(), padId);
        var names = outputs.Logits.Concat(request.HiddenLayers.Select(l => outputs.Hidden[l]))
            .Concat(request.Pooled && outputs.Pooled is not null ? [outputs.Pooled] : []).ToList();
        var values = session.Run(inputs, names);
        for (var i = 0; i < outputs.Logits.Count; i++) CheckLogitShape(outputs.Logits[i], values[i].Shape);
        for (var i = 0; i < request.HiddenLayers.Count; i++) CheckHiddenShape(request.HiddenLayers[i], values[outputs.Logits.Count + i].Shape);
        var results = new TeacherOutput[batch.Count];
        for (var row = 0; row < batch.Count; row++)
        {
            var length = batch[row].Text.Length;
            var at = outputs.Logits.Count;
            var logits = outputs.Logits.Count == 1
                ? RowValues(values[0], row, length, perToken: Kind != TaskKind.Classification)
                : Interleave(RowValues(values[0], row, length, perToken: true), RowValues(values[1], row, length, perToken: true));
            var hidden = request.HiddenLayers.Select((_, i) => RowValues(values[at + i], row, length, perToken: true)).ToList();
            var pooled = request.Pooled && outputs.Pooled is not null ? RowValues(values[^1], row, length, perToken: false) : null;
            results[row] = new TeacherOutput(logits, hidden, [], pooled);
        }
        return results;
    }

    /// <summary>
    /// Fails on the first batch when the logits output has another shape than the task's: a mapping to the wrong
    /// output (e.g. an encoder's hidden states) would otherwise give rows that no cache spec accepts.
    /// </summary>
    private void CheckLogitShape(string name, long[] shape)
    {
        // Classification: (batch, labels); tagging, or QA as one output: (batch, seq, width); QA start and end apart: (batch, seq).
        var (rank, width, expected) = (Kind, outputs.Logits.Count) switch
        {
            (TaskKind.Classification, _) => (2, (long?)LogitWidth, $"(batch, {LogitWidth}) for {LogitWidth} labels"),
            (_, 1) => (3, LogitWidth, $"(batch, seq, {LogitWidth})"),
            _ => (2, (long?)null, "(batch, seq)"),
        };
        if (shape.Length != rank || (width is { } w && shape[^1] != w))
        {
            throw new ConfigException($"--onnx-output: the ONNX output \"{name}\" has shape [{string.Join(", ", shape)}]; {Kind.Name()} needs {expected}; "
                + "map the logits to the output that holds them (or fix id2label in config.json)");
        }
    }

    /// <summary>Fails on the first batch when a hidden layer is mapped to an output that is not (batch, seq, hidden_size).</summary>
    private void CheckHiddenShape(int layer, long[] shape)
    {
        if (shape.Length != 3 || shape[^1] != HiddenSize)
        {
            throw new ConfigException($"--onnx-output: the ONNX output \"{outputs.Hidden[layer]}\" mapped to hidden.{layer} has shape [{string.Join(", ", shape)}]; "
                + $"hidden states need (batch, seq, {HiddenSize}), hidden_size of config.json; map it to an output of that shape");
        }
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
