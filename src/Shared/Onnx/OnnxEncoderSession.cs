using Distill.Inference;
using Distill.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Distill.Batches;

namespace Distill.Onnx;

/// <summary>The graph's input and output names for a BERT-style encoder.</summary>
internal sealed record OnnxEncoderNames(
    string InputIds = "input_ids",
    string AttentionMask = "attention_mask",
    string TokenTypeIds = "token_type_ids",
    string LastHiddenState = "last_hidden_state");

/// <summary>
/// An ONNX Runtime session over a BERT-style encoder, on the provider <see cref="OnnxSessionFactory"/> picks.
/// </summary>
internal sealed class OnnxEncoderSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly OnnxEncoderNames names;
    private readonly bool takesTokenTypes;

    private OnnxEncoderSession(string path, InferenceSession session, OnnxEncoderNames names, string provider)
    {
        this.session = session;
        this.names = names;
        Provider = provider;
        var inputs = session.InputMetadata.Keys.ToHashSet();
        foreach (var required in new[] { names.InputIds, names.AttentionMask })
        {
            if (!inputs.Contains(required))
            {
                throw new OnnxImportException($"{path}: the ONNX model has no input \"{required}\"; its inputs are: {string.Join(", ", inputs)}");
            }
        }
        takesTokenTypes = inputs.Contains(names.TokenTypeIds);
    }

    /// <summary>"CUDA" or "CPU".</summary>
    public string Provider { get; }

    /// <summary>Opens the model; <paramref name="log"/> gets one line saying which execution provider runs and why.</summary>
    public static OnnxEncoderSession Create(string path, int threads, bool preferCuda, Action<string> log, OnnxEncoderNames? names = null)
    {
        var session = OnnxSessionFactory.Open(path, threads, preferCuda, log, out var provider);
        try
        {
            return new OnnxEncoderSession(path, session, names ?? new OnnxEncoderNames(), provider);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The graph's output names.</summary>
    public IReadOnlyCollection<string> OutputNames => session.OutputMetadata.Keys.ToList();

    /// <summary>Runs the batch and returns the last hidden state, row-major (B, T, H), with its shape.</summary>
    public (float[] Values, long[] Shape) LastHiddenState(EncoderInputs batch) => Run(batch, [names.LastHiddenState])[0];

    /// <summary>Runs the batch and returns the named float outputs, row-major, with their shapes.</summary>
    public IReadOnlyList<(float[] Values, long[] Shape)> Run(EncoderInputs batch, IReadOnlyList<string> outputNames)
    {
        var missing = outputNames.Where(n => !session.OutputMetadata.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new OnnxImportException($"the ONNX model has no output {string.Join(", ", missing.Select(m => $"\"{m}\""))}; its outputs are: {string.Join(", ", session.OutputMetadata.Keys)}");
        }
        long[] shape = [batch.Size, batch.Length];
        var inputNames = new List<string> { names.InputIds, names.AttentionMask };
        var inputs = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(batch.IdsFlat, shape),
            OrtValue.CreateTensorValueFromMemory(batch.MaskFlat, shape),
        };
        if (takesTokenTypes)
        {
            inputNames.Add(names.TokenTypeIds);
            inputs.Add(OrtValue.CreateTensorValueFromMemory(batch.TypesFlat, shape));
        }
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
            return outputs.Select(o => (o.GetTensorDataAsSpan<float>().ToArray(), o.GetTensorTypeAndShape().Shape)).ToList();
        }
        finally
        {
            foreach (var input in inputs) input.Dispose();
        }
    }

    public void Dispose() => session.Dispose();
}
