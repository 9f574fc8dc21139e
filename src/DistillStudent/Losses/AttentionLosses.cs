using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// Match losses on attention, (B, heads, T, T). Our features are probabilities (after softmax), not TextBrewer's
/// scores, and the masking follows from that. TextBrewer's scores hold −inf-like values at padded keys, which
/// att_mse replaces with 0 and att_ce softmaxes away; with probabilities a padded key already has probability 0 in
/// both models, so keys need nothing. A padded QUERY row, though, is a full distribution over the real keys that
/// means nothing, and it is masked out. We still multiply by the key mask: it costs nothing, keeps the
/// denominators TextBrewer's (L² pairs per head), and makes the loss blind to whatever a padded entry holds.
/// </summary>
public static class AttentionLosses
{
    /// <summary>Below this a student probability is clamped before its log, so a zero (padded key, underflow) gives a finite term, 0 when the teacher's is 0 too.</summary>
    public const double MinProbability = 1e-12;

    /// <summary><c>attention_mse</c>: mean of (a_S − a_T)² over real (query, key) pairs of every head.</summary>
    public static Tensor Mse(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        return PairMean((s - t).Power(2), mask);
    }

    /// <summary><c>attention_mse_sum</c>: heads summed first (a (B, T, T) map per side), then as <see cref="Mse"/>.</summary>
    public static Tensor MseSum(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        return PairMean((Heads(s, sum: true) - Heads(t, sum: true)).Power(2), mask);
    }

    /// <summary>
    /// <c>attention_ce</c>: −Σ_k a_T · log a_S over the real keys of each real query row, averaged over real rows of
    /// every head; log a_S is taken of max(a_S, <see cref="MinProbability"/>). Equal inputs give the teacher's entropy, not 0.
    /// </summary>
    public static Tensor Ce(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        return RowCrossEntropy(s, t, mask);
    }

    /// <summary><c>attention_ce_mean</c>: heads averaged first (still a distribution per row), then as <see cref="Ce"/>.</summary>
    public static Tensor CeMean(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        return RowCrossEntropy(Heads(s, sum: false), Heads(t, sum: false), mask);
    }

    private static Tensor Heads(Tensor attention, bool sum) =>
        attention.dim() == 4 ? (sum ? attention.sum(1) : attention.mean([1])) : attention;

    /// <summary>Mean of (…, T, T) values over pairs of real positions.</summary>
    private static Tensor PairMean(Tensor values, Tensor? mask)
    {
        if (mask is null) return values.mean();
        var (queries, keys) = Masks(mask, values);
        var pairs = queries * keys;                                                         // (B, [1,] T, T)
        return (values * pairs).sum() / pairs.expand_as(values).sum().clamp_min(1);
    }

    private static Tensor RowCrossEntropy(Tensor student, Tensor teacher, Tensor? mask)
    {
        var terms = -(teacher * student.clamp_min(MinProbability).log());                   // (…, T, T)
        if (mask is null) return terms.sum(-1).mean();
        var (queries, keys) = Masks(mask, terms);
        var rows = (terms * keys).sum(-1, keepdim: true) * queries;                          // (…, T, 1)
        return rows.sum() / queries.expand(rows.shape).sum().clamp_min(1);
    }

    /// <summary>The query mask (B, [1,] T, 1) and key mask (B, [1,] 1, T) for values with or without a heads axis.</summary>
    private static (Tensor Queries, Tensor Keys) Masks(Tensor mask, Tensor like)
    {
        var m = Reduce.MaskOf(mask, like);                                                   // (B, T)
        if (like.dim() == 4) m = m.unsqueeze(1);                                             // (B, 1, T)
        return (m.unsqueeze(-1), m.unsqueeze(-2));
    }
}
