using Distill.DistillStudent.Adaptors;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Distillers;

/// <summary>One head of logits for KD: (B, C) or token-level (B, T, C), with its (B, T) mask and its labels for probability_shift.</summary>
internal sealed record LogitsHead(Tensor Logits, Tensor? Mask, Tensor? Labels);

/// <summary>
/// An adaptor's logits as the list of heads TextBrewer's <c>post_adaptor</c> makes of them: KD is computed per head
/// and summed, and a temperature scheduler sees one head at a time.
/// </summary>
internal static class LogitsHeads
{
    /// <summary>
    /// <see cref="AdaptorOutput.LogitsList"/> when given; else QA's (B, 2, T) as two heads (start, end), since
    /// TextBrewer's QA adaptors return the two as a list; else <see cref="AdaptorOutput.Logits"/> as one head.
    /// </summary>
    /// <param name="output">the adaptor's output</param>
    /// <param name="who">names the side in errors</param>
    /// <param name="overPositions">whether the logits are QA's distributions over positions; the student's
    /// <see cref="AdaptorOutput.LogitsOverPositions"/> decides it for both sides, since teachers' outputs share its KD form</param>
    /// <param name="logits">replaces <see cref="AdaptorOutput.Logits"/> (the student's with positions excluded); null reads it</param>
    public static IReadOnlyList<LogitsHead> Of(AdaptorOutput output, string who, bool overPositions, Tensor? logits = null)
    {
        if (output.LogitsList is { Count: > 0 } list)
        {
            var masks = output.LogitsMaskList ?? (output.LogitsMask is { } mask ? [mask] : null);
            var labels = output.LabelsList ?? (output.Labels is { } label ? [label] : null);
            return list.Select((l, i) => new LogitsHead(l, PerHead(masks, i, list.Count, "logits masks", who), PerHead(labels, i, list.Count, "labels", who))).ToList();
        }
        var single = logits ?? output.RequireLogits(who);
        if (overPositions)
        {
            return Enumerable.Range(0, (int)single.shape[1])
                .Select(h => new LogitsHead(single.select(1, h), null, output.Labels?.select(1, h)))                   // (B, T), (B)
                .ToList();
        }
        return [new LogitsHead(single, output.LogitsMask, output.Labels)];
    }

    /// <summary>TextBrewer's <c>select_logits_with_mask</c>: token-level (B, T, C) logits become the (N, C) rows where <paramref name="mask"/> is 1; others pass unchanged.</summary>
    public static Tensor Select(Tensor logits, Tensor? mask) => mask is null || logits.dim() != 3
        ? logits
        : logits.masked_select(mask.ne(KeptScalars.Zero).unsqueeze(-1).expand_as(logits)).view(-1, logits.shape[^1]);

    private static Tensor? PerHead(IReadOnlyList<Tensor>? values, int head, int heads, string what, string who)
    {
        if (values is null) return null;
        if (values.Count == 1) return values[0];
        if (values.Count != heads)
        {
            throw new InvalidOperationException($"the {who} adaptor gives {heads} logits heads and {values.Count} {what}; give one per head or one for all");
        }
        return values[head];
    }
}
