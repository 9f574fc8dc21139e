using Distill.Models;
using Distill.Errors;

namespace Distill.Teachers;

/// <summary>
/// Which outputs of an ONNX graph hold what: the logits (one name, or two for QA start and end logits, as
/// Hugging Face Optimum exports them), hidden states by layer number, and the pooled output.
/// </summary>
internal sealed record OnnxTeacherOutputs(IReadOnlyList<string> Logits, IReadOnlyDictionary<int, string> Hidden, string? Pooled)
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
        if (logits is null && start is null) throw new ConfigException("--onnx-output needs the logits: logits=NAME, or start_logits=NAME and end_logits=NAME for QA");
        IReadOnlyList<string> logitNames = logits is not null ? [logits] : [start!, end!];
        return new OnnxTeacherOutputs(logitNames, hidden, pooled);
    }
}
