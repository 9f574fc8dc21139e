using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Models;

/// <summary>
/// bf16 mixed precision for the BERT modules, in the manner of PyTorch's CPU autocast: inside <see cref="Enter"/> on
/// a thread, the encoder's Linear layers and attention products run in bfloat16 (faster on CPUs with AVX512-BF16 or
/// AMX), while the parameters stay float32 (master weights, so the optimizer and its state stay float32) and every
/// result that is not only the input of another product comes back as float32, so LayerNorm, residual sums,
/// attention's softmax and the losses run in float32. The casts are inside the autograd graph: gradients reach the
/// float32 weights, computed in bf16 and cast back. Outside a scope nothing changes.
/// TorchSharp 0.107 has no autocast API. LibTorch's (<c>at::autocast::set_autocast_enabled</c>) is reachable only as
/// a mangled C++ symbol of this LibTorch build, keeps a per-thread cache of cast weights that must be cleared after
/// every optimizer step, and picks the float32 ops from its own lists; the few call sites here say which run in bf16.
/// </summary>
internal static class Bf16Autocast
{
    [ThreadStatic] private static int depth;

    /// <summary>Whether this thread is inside a bf16 scope.</summary>
    public static bool IsEnabled => depth > 0;

    /// <summary>A bf16 scope on this thread until disposed (scopes nest); with <paramref name="enabled"/> false, nothing changes.</summary>
    public static IDisposable Enter(bool enabled = true) => enabled ? new Scope() : NoScope.Instance;

    /// <summary><c>layer(input)</c>; in a bf16 scope computed in bf16 and returned in the weight's dtype (float32).</summary>
    public static Tensor Linear(Linear layer, Tensor input) =>
        IsEnabled ? LinearLow(layer, input).to(layer.weight!.dtype) : layer.call(input);

    /// <summary>
    /// <c>layer(input)</c> whose result only feeds another bf16 product (attention's q, k, v; the feed-forward
    /// expansion, through its activation, into the next Linear): in a bf16 scope the result stays bf16, as autocast
    /// leaves it. Casting it to float32 and back would round at the same places and only cost time.
    /// </summary>
    public static Tensor LinearForProduct(Linear layer, Tensor input) =>
        IsEnabled ? LinearLow(layer, input) : layer.call(input);

    /// <summary><c>a.matmul(b)</c>; in a bf16 scope the product in bf16 and its result cast to <paramref name="resultType"/>.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, ScalarType resultType) =>
        IsEnabled ? Low(a).matmul(Low(b)).to(resultType) : a.matmul(b);

    /// <summary>
    /// An additive attention mask in <paramref name="dtype"/>. float32's lowest value is beyond bf16's range and
    /// would round to −infinity, so it is clamped to bf16's lowest first (what <see cref="BertModel.AdditiveMask"/> uses for bf16).
    /// </summary>
    public static Tensor MaskAs(Tensor additiveMask, ScalarType dtype)
    {
        if (additiveMask.dtype == dtype) return additiveMask;
        return dtype == ScalarType.BFloat16 ? additiveMask.clamp_min(BFloat16Lowest).to(dtype) : additiveMask.to(dtype);
    }

    private static readonly Scalar BFloat16Lowest = (-3.38953139e38).ToScalar();

    private static Tensor LinearLow(Linear layer, Tensor input) =>
        nn.functional.linear(Low(input), Low(layer.weight!), layer.bias is { } bias ? Low(bias) : null);

    private static Tensor Low(Tensor x) => x.dtype == ScalarType.BFloat16 ? x : x.to(ScalarType.BFloat16);

    private sealed class Scope : IDisposable
    {
        private bool disposed;

        public Scope() => depth++;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            depth--;
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose() { }
    }
}
