using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Runtime;

/// <summary>
/// Tensor arithmetic whose Scalars stay alive until LibTorch returns. TorchSharp's operators pass temporaries
/// (<c>a + b</c> is <c>add(b, alpha: 1)</c>, <c>x * 0.5</c> is <c>mul(Scalar)</c>) and keep no reference to them
/// during the native call, so a collection on another thread can finalize one mid-call and LibTorch reads freed memory
/// ("Unknown scalar type", "Expected false to be true … toFloat"); TorchSharp PR #1434 is the upstream fix. The
/// constants here are never collected; the methods hold their Scalar in a <c>using</c> until the call has returned.
/// Results are those of the operators, bit for bit.
/// </summary>
public static class KeptScalars
{
    /// <summary>The integer 1 that TorchSharp's operators pass as alpha.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 0 that <c>arange(stop)</c> passes as start and <c>eq(0)</c> compares with.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary><c>a + b</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a + value</c>.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.add(scalar, One);
    }

    /// <summary><c>value - a</c>.</summary>
    public static Tensor SubtractedFrom(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.neg().add(scalar, One);
    }

    /// <summary><c>a * value</c>.</summary>
    public static Tensor Times(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.mul(scalar);
    }

    /// <summary><c>a / value</c>.</summary>
    public static Tensor DividedBy(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.div(scalar);
    }

    /// <summary><c>a.pow(exponent)</c>.</summary>
    public static Tensor Power(this Tensor a, int exponent)
    {
        using var scalar = exponent.ToScalar();
        return a.pow(scalar);
    }

    /// <summary><c>a.pow(exponent)</c>.</summary>
    public static Tensor Power(this Tensor a, double exponent)
    {
        using var scalar = exponent.ToScalar();
        return a.pow(scalar);
    }

    /// <summary><c>torch.arange(stop, dtype, device)</c>: 0, 1, …, stop - 1.</summary>
    public static Tensor Range(long stop, ScalarType dtype, Device device)
    {
        using var end = stop.ToScalar();
        return arange(Zero, end, One, dtype, device);
    }

    /// <summary><c>torch.normal(mean, std, size)</c>, drawn as it draws (standard normal, times std, plus mean).</summary>
    public static Tensor Normal(double mean, double std, ReadOnlySpan<long> size)
    {
        using var scale = std.ToScalar();
        using var shift = mean.ToScalar();
        return randn(size).mul_(scale).add_(shift, One);
    }
}
