using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// TorchSharp's AdamW with the same update, state and checkpoint format, bit for bit, at the memory's speed, and
/// safe under garbage collection.
/// <para>
/// Speed: TorchSharp's step allocates a parameter-sized denominator per parameter and runs nine element-wise passes
/// over each parameter-sized tensor from memory; on a 15.6 M-parameter student that was a third of a training step
/// (page faults of the fresh denominators included). Here every parameter is updated in chunks of
/// <see cref="ChunkElements"/> values, the same nine in-place LibTorch ops on each chunk (so the results are those of
/// the whole-tensor ops; see <see cref="FloorKeepsDenominators"/> for the square root of zero), the
/// denominator written into one preallocated chunk-sized buffer: the four tensors of a
/// chunk stay in the cache across the passes, and a step allocates no parameter-sized memory. <see cref="zero_grad"/>
/// sets gradients to none, as PyTorch's does by default, so the next backward hands its fresh gradients over
/// instead of filling zeros and adding into them.
/// </para>
/// <para>
/// GC safety: TorchSharp's own step passes temporaries (<c>addcdiv_(…, value: -step_size)</c>) whose finalizer may
/// run during the call when another thread starts a garbage collection; LibTorch then reads a freed Scalar
/// ("Unknown scalar type", "Expected false to be true … toFloat"), at random (<c>GcSafeAdamWTests</c> shows it).
/// Every Scalar here is held until its call returns.
/// </para>
/// </summary>
internal sealed class GcSafeAdamW : AdamW
{
    /// <summary>
    /// Values per chunk: 64 Ki floats, 256 KiB, so that a chunk of the parameter, its gradient, both moments and
    /// the denominator (1.25 MiB) stay in the L2/L3 cache through the nine passes while a step makes a few thousand
    /// LibTorch calls at most. A multiple of every vector width, so a chunk splits into vector and scalar loops
    /// exactly where the whole tensor does.
    /// </summary>
    public const long ChunkElements = 1 << 16;

    /// <summary>The smallest normal float, 2^-126.</summary>
    private static readonly double SmallestNormal = Math.Pow(2, -126);

    private readonly Dictionary<IntPtr, Chunks> _chunks = [];
    private readonly Dictionary<(ScalarType, DeviceType, int), Tensor> _denominators = [];

    /// <param name="groups">the parameter groups, each with its own options</param>
    /// <param name="lr">the default learning rate of groups that set none</param>
    /// <param name="weightDecay">the default weight decay of groups that set none</param>
    public GcSafeAdamW(IEnumerable<ParamGroup> groups, double lr, double weightDecay) : base(groups, lr, weight_decay: weightDecay)
    {
    }

    /// <summary>One group over <paramref name="parameters"/>, as <c>torch.optim.AdamW(parameters, lr, weight_decay)</c>.</summary>
    public GcSafeAdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double weightDecay = 0)
        : this([new ParamGroup(parameters, lr, 0.9, 0.999, 1e-8, weightDecay, false, false)], lr, weightDecay)
    {
    }

    /// <summary>
    /// Sets every parameter's gradient to none (PyTorch's <c>zero_grad(set_to_none=True)</c>): the next backward
    /// stores its gradients without a fill and an addition, and a parameter that no later backward reaches is
    /// skipped by <see cref="step"/>, as in PyTorch. Which parameters a step updates then depends on that step's
    /// batches alone, so a resumed run steps the same ones as the uninterrupted run (a multi-task head that a batch
    /// does not reach is skipped in both).
    /// </summary>
    public override void zero_grad()
    {
        foreach (var param in parameters()) param.grad = null;
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2) = (options.beta1!.Value, options.beta2!.Value);
        var (lr, eps, decay) = (options.LearningRate!.Value, options.eps!.Value, options.weight_decay!.Value);
        if (options.amsgrad!.Value || options.maximize!.Value)
        {
            throw new NotSupportedException("GcSafeAdamW implements AdamW without amsgrad and maximize");
        }
        using var keep = (1 - lr * decay).ToScalar();
        using var b1 = beta1.ToScalar();
        using var rest1 = (1 - beta1).ToScalar();
        using var b2 = beta2.ToScalar();
        using var rest2 = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        using var smallestNormal = SmallestNormal.ToScalar();
        foreach (var param in group.Parameters)
        {
            using var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            var correction1 = 1 - Math.Pow(beta1, state.step);
            var correction2 = 1 - Math.Pow(beta2, state.step);
            using var root = Math.Sqrt(correction2).ToScalar();
            using var stepSize = (-lr / correction1).ToScalar();
            var floored = FloorKeepsDenominators(eps, correction2);
            var chunks = ChunksOf(param, state);
            var grads = chunks.Split(grad);
            var denominator = Denominator(param);
            for (var c = 0; c < grads.Length; c++)
            {
                var (p, m, v, g) = (chunks.Param[c], chunks.ExpAvg[c], chunks.ExpAvgSq[c], grads[c]);
                // p × 1 is p exactly: a group without decay skips that pass.
                if (decay != 0) p.mul_(keep);
                m.mul_(b1).add_(g, rest1);
                v.mul_(b2).addcmul_(g, g, rest2);
                using var denom = v.numel() <= ChunkElements ? denominator.narrow(0, 0, v.numel()).view(v.shape).copy_(v) : v.clone();
                if (floored) denom.clamp_min_(smallestNormal);
                denom.sqrt_().div_(root).add_(epsilon, KeptScalars.One); // add_(Scalar) alone would pass a temporary alpha of 1
                p.addcdiv_(m, denom, stepSize);
            }
            if (grads.Length > 1) foreach (var g in grads) g.Dispose();
        }
    }, closure);

    /// <summary>
    /// Whether raising second moments below the smallest normal float to it, before the square root, leaves every
    /// denominator <c>sqrt(v) / root + eps</c> as it is. MKL's square root (LibTorch's on the CPU) takes a slow path
    /// for each zero and subnormal, and the moments of every embedding row that no batch has reached yet are zero:
    /// that path was half of the optimizer's square-root time. It changes nothing when sqrt(2^-126) / root is at most
    /// 2^-26 eps, below half the last bit of the float eps (at least 2^-25 eps): such a denominator rounds to eps,
    /// raised or not. With the defaults (eps 1e-8, beta2 0.999) it holds from the first step.
    /// </summary>
    /// <param name="eps">the group's eps</param>
    /// <param name="correction2">1 - beta2^step, whose root divides the square root</param>
    public static bool FloorKeepsDenominators(double eps, double correction2) =>
        Math.Sqrt(SmallestNormal) / Math.Sqrt(correction2) <= eps * Math.Pow(2, -26);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var chunks in _chunks.Values) chunks.Dispose();
            foreach (var buffer in _denominators.Values) buffer.Dispose();
            _chunks.Clear();
            _denominators.Clear();
        }
        base.Dispose(disposing);
    }

    /// <summary>The chunk views of a parameter and its moments, made once and remade when a state load replaced the moments.</summary>
    private Chunks ChunksOf(Parameter param, State state)
    {
        if (_chunks.TryGetValue(param.Handle, out var chunks) && chunks.Covers(state)) return chunks;
        chunks?.Dispose();
        chunks = new Chunks(param, state);
        _chunks[param.Handle] = chunks;
        return chunks;
    }

    /// <summary>The denominator buffer for the parameter's dtype and device, allocated once.</summary>
    private Tensor Denominator(Parameter param)
    {
        var key = (param.dtype, param.device_type, param.device_index);
        if (!_denominators.TryGetValue(key, out var buffer))
        {
            buffer = empty(ChunkElements, dtype: param.dtype, device: param.device).DetachFromDisposeScope();
            _denominators[key] = buffer;
        }
        return buffer;
    }

    /// <summary>
    /// A parameter's and its moments' chunks: flat views of <see cref="ChunkElements"/> values when all three are
    /// contiguous, else one chunk, the tensor itself (whose denominator is then a fresh tensor when it is larger than
    /// the buffer, as in TorchSharp's step).
    /// </summary>
    private sealed class Chunks : IDisposable
    {
        private readonly Tensor _expAvgSource;
        private readonly Tensor _expAvgSqSource;
        private readonly bool _views;

        public Chunks(Parameter param, State state)
        {
            (_expAvgSource, _expAvgSqSource) = (state.exp_avg, state.exp_avg_sq);
            _views = param.is_contiguous() && state.exp_avg.is_contiguous() && state.exp_avg_sq.is_contiguous();
            Param = Split(param);
            ExpAvg = Split(state.exp_avg);
            ExpAvgSq = Split(state.exp_avg_sq);
        }

        public Tensor[] Param { get; }

        public Tensor[] ExpAvg { get; }

        public Tensor[] ExpAvgSq { get; }

        public bool Covers(State state) => ReferenceEquals(state.exp_avg, _expAvgSource) && ReferenceEquals(state.exp_avg_sq, _expAvgSqSource);

        /// <summary>The tensor's chunks (a non-contiguous gradient is made contiguous first); the tensor itself when there is one chunk.</summary>
        public Tensor[] Split(Tensor tensor)
        {
            var n = tensor.numel();
            if (!_views || n <= ChunkElements) return [tensor];
            using var flat = tensor.is_contiguous() ? tensor.view(-1) : tensor.contiguous().view(-1);
            var chunks = new Tensor[(n + ChunkElements - 1) / ChunkElements];
            for (var c = 0; c < chunks.Length; c++)
            {
                chunks[c] = flat.narrow(0, c * ChunkElements, Math.Min(ChunkElements, n - c * ChunkElements)).DetachFromDisposeScope();
            }
            return chunks;
        }

        public void Dispose()
        {
            foreach (var chunks in new[] { Param, ExpAvg, ExpAvgSq })
            {
                if (chunks.Length > 1) foreach (var chunk in chunks) chunk.Dispose();
            }
        }
    }
}
