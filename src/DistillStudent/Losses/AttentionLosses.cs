using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// Match losses on attention, (B, heads, T, T). Our features are probabilities (after softmax), not TextBrewer's
/// scores, and the masking follows from that. TextBrewer's scores hold −inf-like values at padded keys, which
/// att_mse replaces with 0 and att_ce softmaxes away; with probabilities a padded key already has probability 0 in
/// both models, so keys need nothing. A padded QUERY row, though, is a full distribution over the real keys that
/// means nothing, and it is masked out. We still multiply by the key mask: it costs nothing, keeps the
/// denominators TextBrewer's (L² pairs per head), and makes the loss blind to whatever a padded entry holds.
/// The cross-entropies work on log-probabilities: log_softmax(scores) = log p up to a per-row constant that
/// log_softmax removes again, so TextBrewer's losses on scores are computed exactly from probabilities.
/// </summary>
internal static class AttentionLosses
{
    /// <summary>
    /// Below this (float's smallest normal number) a probability is clamped before its log, so an exact 0 (a padded
    /// key, an underflow) gives a finite log and 1/p stays finite in the backward pass. Anything above keeps its
    /// gradient, however peaked the head.
    /// </summary>
    public const double MinProbability = 1.1754943508222875e-38;

    /// <summary>Keys outside the mask get this log-probability before the log-softmax, so they take no mass.</summary>
    private const double ExcludedLog = -10000.0;

    // Never collected, so LibTorch can read them during any call (KeptScalars).
    private static readonly Scalar MinProbabilityScalar = MinProbability.ToScalar();
    private static readonly Scalar ExcludedLogScalar = ExcludedLog.ToScalar();

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
        var sum = (Tensor a) => a.dim() == 4 ? a.sum(1) : a;
        return PairMean((sum(s) - sum(t)).Power(2), mask);
    }

    /// <summary>
    /// <c>attention_ce</c>: −Σ_k softmax(scores_T) · log_softmax(scores_S) over the real keys of each real query row,
    /// averaged over real rows of every head, with log p standing for the scores. Equal inputs give the teacher's
    /// entropy, not 0.
    /// </summary>
    public static Tensor Ce(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        return RowCrossEntropy(Log(s), Log(t), mask);
    }

    /// <summary>
    /// <c>attention_ce_mean</c>: TextBrewer averages the scores over heads and softmaxes the mean. The mean of the
    /// heads' log-probabilities is that mean of scores less a per-row constant, so it gives exactly TextBrewer's
    /// distributions (averaging the probabilities does not); then as <see cref="Ce"/>.
    /// </summary>
    public static Tensor CeMean(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        var mean = (Tensor a) => a.dim() == 4 ? Log(a).mean([1]) : Log(a);
        return RowCrossEntropy(mean(s), mean(t), mask);
    }

    private static Tensor Log(Tensor probabilities) => probabilities.clamp_min(MinProbabilityScalar).log();

    /// <summary>Mean of (…, T, T) values over pairs of real positions.</summary>
    private static Tensor PairMean(Tensor values, Tensor? mask)
    {
        if (mask is null) return values.mean();
        var (queries, keys) = Masks(mask, values);
        var pairs = queries * keys;                                                         // (B, [1,] T, T)
        return (values * pairs).sum() / pairs.expand_as(values).sum().clamp_min(KeptScalars.One);
    }

    /// <summary>Cross-entropy of softmax(<paramref name="teacherScores"/>) against log_softmax(<paramref name="studentScores"/>) per row, over real keys and rows.</summary>
    private static Tensor RowCrossEntropy(Tensor studentScores, Tensor teacherScores, Tensor? mask)
    {
        if (mask is null)
        {
            var all = -(nn.functional.softmax(teacherScores, -1) * nn.functional.log_softmax(studentScores, -1));   // (…, T, T)
            return all.sum(-1).mean();
        }
        var (queries, keys) = Masks(mask, studentScores);
        var outside = keys.eq(KeptScalars.Zero);
        var logStudent = nn.functional.log_softmax(studentScores.masked_fill(outside, ExcludedLogScalar), -1);
        var pTeacher = nn.functional.softmax(teacherScores.masked_fill(outside, ExcludedLogScalar), -1);
        var terms = -(pTeacher * logStudent);                                                // (…, T, T)
        var rows = (terms * keys).sum(-1, keepdim: true) * queries;                          // (…, T, 1)
        return rows.sum() / queries.expand(rows.shape).sum().clamp_min(KeptScalars.One);
    }

    /// <summary>The query mask (B, [1,] T, 1) and key mask (B, [1,] 1, T) for values with or without a heads axis.</summary>
    private static (Tensor Queries, Tensor Keys) Masks(Tensor mask, Tensor like)
    {
        var m = Reduce.MaskOf(mask, like);                                                   // (B, T)
        if (like.dim() == 4) m = m.unsqueeze(1);                                             // (B, 1, T)
        return (m.unsqueeze(-1), m.unsqueeze(-2));
    }
}
