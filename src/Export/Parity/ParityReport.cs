using System.Globalization;
using System.Text.Json.Nodes;

namespace Distill.Export.Parity;

/// <summary>Every output's comparison, and the inputs they were measured on.</summary>
/// <param name="Outputs">one entry per output of the ONNX model</param>
/// <param name="Inputs">inputs compared (each once per batch size)</param>
/// <param name="BatchSizes">the batch sizes run</param>
/// <param name="MinLength">the shortest input in tokens</param>
/// <param name="MaxLength">the longest input in tokens</param>
/// <param name="SpanAgreement">QA: the fraction of inputs whose best start and best end both agree; else null</param>
internal sealed record ParityReport(IReadOnlyList<OutputParity> Outputs, int Inputs, IReadOnlyList<int> BatchSizes, int MinLength, int MaxLength, double? SpanAgreement)
{
    /// <summary>
    /// Every output that misses a limit, each with its figures (Optimum's validator style: all failures at once).
    /// </summary>
    /// <param name="atol">the largest acceptable absolute difference</param>
    /// <param name="minAgreement">the smallest acceptable argmax agreement, or null to judge by difference only</param>
    public IReadOnlyList<string> Failures(double atol, double? minAgreement = null)
    {
        var failures = new List<string>();
        foreach (var output in Outputs)
        {
            if (!(output.MaxAbsDiff <= atol))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{output.Name}: max_abs_diff {output.MaxAbsDiff:G4} > atol {atol:G4}"));
            }
            if (minAgreement is { } min && output.Agreement is { } agreement && agreement < min)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{output.Name}: argmax agreement {agreement:P2} < {min:P2}"));
            }
        }
        return failures;
    }

    /// <summary>One line per output, for people.</summary>
    public IEnumerable<string> Lines()
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"parity: {Inputs} inputs, {MinLength}-{MaxLength} tokens, batch sizes {string.Join(",", BatchSizes)}");
        foreach (var o in Outputs)
        {
            var agreement = o.Agreement is { } a ? string.Create(CultureInfo.InvariantCulture, $" argmax_agreement={a:P2} ({o.Decisions})") : "";
            yield return string.Create(CultureInfo.InvariantCulture, $"parity {o.Name}: max_abs_diff={o.MaxAbsDiff:G4} mean_abs_diff={o.MeanAbsDiff:G4}{agreement}");
        }
        if (SpanAgreement is { } span) yield return string.Create(CultureInfo.InvariantCulture, $"parity span_agreement={span:P2}");
    }

    public JsonObject ToJson() => new()
    {
        ["inputs"] = Inputs,
        ["batch_sizes"] = new JsonArray(BatchSizes.Select(b => JsonValue.Create(b)).ToArray<JsonNode?>()),
        ["min_length"] = MinLength,
        ["max_length"] = MaxLength,
        ["span_agreement"] = SpanAgreement,
        ["outputs"] = new JsonObject(Outputs.Select(o => KeyValuePair.Create<string, JsonNode?>(o.Name, new JsonObject
        {
            ["max_abs_diff"] = o.MaxAbsDiff,
            ["mean_abs_diff"] = o.MeanAbsDiff,
            ["values"] = o.Values,
            ["argmax_agreement"] = o.Agreement,
            ["decisions"] = o.Decisions,
        }))),
    };
}
