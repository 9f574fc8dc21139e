using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>Match losses on one hidden state per side, (B, T, H), TextBrewer's semantics.</summary>
internal static class HiddenLosses
{
    /// <summary><c>hidden_mse</c>: mean of (s − t)² over real positions and hidden units (over everything without a mask).</summary>
    public static Tensor HiddenMse(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = One(student, teacher);
        var squared = (s - t).Power(2);                                                       // (B, T, H)
        if (mask is null) return squared.mean();
        var m = Reduce.MaskOf(mask, s).unsqueeze(-1);                                       // (B, T, 1)
        return (squared * m).sum() / m.sum().Times(s.shape[^1]).clamp_min(KeptScalars.One);
    }

    /// <summary>
    /// <c>cos</c> (DistilBERT): 1 − cos(s, t) per position, averaged over real positions. Cosine uses ε = 1e-8 on the
    /// norms, so an all-zero vector gives loss 1 instead of NaN.
    /// </summary>
    public static Tensor Cosine(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = One(student, teacher);
        var rows = nn.functional.cosine_similarity(s, t, dim: -1, eps: 1e-8).SubtractedFrom(1);           // (B, T)
        return Reduce.RowMean(rows, mask);
    }

    /// <summary>
    /// <c>pkd</c> (BERT-PKD): the [CLS] vectors (position 0, or the input itself when it is (B, H)) divided by their
    /// L2 norms; squared differences summed over hidden units, averaged over the batch. The mask is not used:
    /// position 0 is always a real token.
    /// </summary>
    public static Tensor Pkd(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s, t) = One(student, teacher);
        var cs = s.dim() == 3 ? s[.., 0] : s;                                               // (B, H)
        var ct = t.dim() == 3 ? t[.., 0] : t;
        var ns = cs / cs.norm(1, keepdim: true);
        var nt = ct / ct.norm(1, keepdim: true);
        return (ns - nt).Power(2).sum(-1).mean();
    }

    internal static (Tensor Student, Tensor Teacher) One(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher)
    {
        if (student.Count != 1 || teacher.Count != 1)
        {
            throw new ArgumentException($"this loss takes one layer per side, found {student.Count} student and {teacher.Count} teacher");
        }
        return (student[0], teacher[0]);
    }

    internal static (Tensor S0, Tensor S1, Tensor T0, Tensor T1) Two(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher)
    {
        if (student.Count != 2 || teacher.Count != 2)
        {
            throw new ArgumentException($"this loss takes two layers per side, found {student.Count} student and {teacher.Count} teacher");
        }
        return (student[0], student[1], teacher[0], teacher[1]);
    }
}
