using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>Match losses on two hidden states per side, each (B, T, H), TextBrewer's semantics.</summary>
internal static class PairLosses
{
    /// <summary>
    /// <c>fsp</c> and <c>gram</c>: the (B, H, H) matrix G = X0ᵀ·X1 / L per side (L = real length; padded positions
    /// zeroed first, or L = T without a mask), then the mean of (G_S − G_T)². Student and teacher widths must agree,
    /// so a projection is needed when they differ.
    /// </summary>
    public static Tensor Fsp(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s0, s1, t0, t1) = HiddenLosses.Two(student, teacher);
        Tensor Gram(Tensor a, Tensor b, Tensor? m, Tensor length) =>
            matmul((m is null ? a : a * m).transpose(1, 2), m is null ? b : b * m) / length; // (B, H, H)
        if (mask is null)
        {
            var length = tensor((float)s1.shape[1], dtype: s1.dtype);
            return nn.functional.mse_loss(Gram(s0, s1, null, length), Gram(t0, t1, null, length));
        }
        var mk = Reduce.MaskOf(mask, s0).unsqueeze(-1);                                     // (B, T, 1)
        var lengths = mk.sum(1, keepdim: true).clamp_min(KeptScalars.One);                                // (B, 1, 1)
        return nn.functional.mse_loss(Gram(s0, s1, mk, lengths), Gram(t0, t1, mk, lengths));
    }

    /// <summary>
    /// <c>mmd</c> and <c>nst</c>: the (B, T, T) matrix G = X0·X1ᵀ / H per side (widths may differ), then the mean of
    /// (G_S − G_T)² over pairs of real positions (Σ_b L_b² of them), or over all pairs without a mask.
    /// </summary>
    public static Tensor Mmd(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask)
    {
        var (s0, s1, t0, t1) = HiddenLosses.Two(student, teacher);
        var gramS = matmul(s0, s1.transpose(1, 2)).DividedBy(s1.shape[^1]);                          // (B, T, T)
        var gramT = matmul(t0, t1.transpose(1, 2)).DividedBy(t1.shape[^1]);
        var squared = (gramS - gramT).Power(2);
        if (mask is null) return squared.mean();
        var m = Reduce.MaskOf(mask, s0);
        var pairs = m.unsqueeze(-1) * m.unsqueeze(1);                                       // (B, T, T)
        return (squared * pairs).sum() / pairs.sum().clamp_min(KeptScalars.One);
    }
}
