using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>Reductions shared by the losses.</summary>
internal static class Reduce
{
    /// <summary>
    /// Mean of per-row values (B) or (B, T); with a (B, T) mask, the mean over real positions only. A batch with no
    /// real position gives 0 rather than 0/0, so one empty batch cannot poison the run with NaN.
    /// </summary>
    public static Tensor RowMean(Tensor rows, Tensor? mask)
    {
        if (mask is null) return rows.mean();
        if (rows.dim() != 2)
        {
            throw new ArgumentException($"a (B, T) mask needs token-level values, found a mask for values of shape [{string.Join(", ", rows.shape)}]", nameof(mask));
        }
        var m = mask.to_type(rows.dtype);
        return (rows * m).sum() / m.sum().clamp_min(KeptScalars.One);
    }

    /// <summary>TextBrewer divides logits by a per-row temperature after giving it a class axis.</summary>
    public static Tensor ForLogits(Tensor temperature) => temperature.dim() > 0 ? temperature.unsqueeze(-1) : temperature;

    public static Tensor MaskOf(Tensor mask, Tensor like) => mask.to_type(like.dtype);
}
