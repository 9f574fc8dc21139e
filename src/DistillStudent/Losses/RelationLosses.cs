using TorchSharp;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// MiniLM's self-attention relations. A relation of vectors x (one per token) is, per relation head, the
/// distribution softmax(x xᵀ / √d) over the keys of each query token: MiniLM v1's value relation takes the values of
/// each attention head, MiniLMv2 the queries, keys or values with their heads concatenated and split again into a
/// chosen number of relation heads, so that a student of another width or head count compares with the teacher
/// (both sides get the same relation heads; only d differs). The loss is KL(teacher ‖ student) per query row.
/// Attention distributions themselves need nothing new: MiniLM v1's attention transfer, KL(A_T ‖ A_S) of the last
/// layer, is <c>attention_ce</c> less the teacher's entropy, a constant, so the two have the same gradients.
/// </summary>
internal static class RelationLosses
{
    /// <summary>Keys outside the mask get this scaled score before the log-softmax, so they take no mass (BERT's additive mask).</summary>
    private const double ExcludedScore = -10000.0;
    private static readonly Scalar ExcludedScoreScalar = ExcludedScore.ToScalar(); // never collected (KeptScalars)

    /// <summary>
    /// (B, T, H) → (B, R, T, H/R): the features' last axis cut into <paramref name="heads"/> relation heads, in order
    /// (heads concatenated, as attention projections are, then split again as MiniLMv2 does).
    /// </summary>
    public static Tensor SplitHeads(Tensor features, int heads)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        if (features.dim() != 3)
        {
            throw new ArgumentException($"relation heads split (batch, tokens, width) features, found shape [{string.Join(", ", features.shape)}]", nameof(features));
        }
        var (b, t, h) = (features.shape[0], features.shape[1], features.shape[2]);
        if (h % heads != 0)
        {
            throw new ArgumentException($"{h} features do not split into {heads} relation heads; choose relation_heads dividing both sides' widths", nameof(heads));
        }
        return features.view(b, t, heads, h / heads).transpose(1, 2);                       // (B, R, T, d)
    }

    /// <summary>
    /// log softmax(x xᵀ / √d) over keys, per relation head: x is (B, R, T, d), or (B, T, d) for one head. Keys outside
    /// <paramref name="mask"/> ((B, T), 1 for real tokens) take no mass.
    /// </summary>
    public static Tensor LogRelation(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        var scores = x.matmul(x.transpose(-1, -2)).DividedBy(Math.Sqrt(x.shape[^1]));       // (B, [R,] T, T)
        if (mask is not null) scores = scores.masked_fill(Keys(mask, scores).eq(KeptScalars.Zero), ExcludedScoreScalar);
        return nn.functional.log_softmax(scores, -1);
    }

    /// <summary>
    /// <c>relation_kl</c>: Σ_k p_T (log p_T − log p_S) of the two sides' relations (<see cref="LogRelation"/>) per query
    /// row, averaged over the real rows of every relation head. The sides may differ in d only (after the distiller's
    /// split into relation heads); 0 for equal inputs.
    /// </summary>
    public static Tensor Kl(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = HiddenLosses.One(student, teacher);
        var logS = LogRelation(s, mask);
        var logT = LogRelation(t.to_type(s.dtype), mask);
        var rows = (logT.exp() * (logT - logS)).sum(-1);                                     // (B, [R,] T)
        if (mask is null) return rows.mean();
        var queries = Reduce.MaskOf(mask, rows);                                             // (B, T)
        if (rows.dim() == 3) queries = queries.unsqueeze(1).expand_as(rows);
        return (rows * queries).sum() / queries.sum().clamp_min(KeptScalars.One);
    }

    /// <summary>The (B, T) key mask shaped to broadcast over (B, [R,] T, T) scores.</summary>
    private static Tensor Keys(Tensor mask, Tensor scores)
    {
        var keys = mask.unsqueeze(-2);                                                       // (B, 1, T)
        return scores.dim() == 4 ? keys.unsqueeze(1) : keys;
    }
}
