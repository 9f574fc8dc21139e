using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// TorchSharp's AdamW with the same update, state and checkpoint format, whose step keeps every Scalar it hands to
/// LibTorch alive until the call returns. TorchSharp's own step passes temporaries (<c>addcdiv_(…, value:
/// -step_size)</c>) whose finalizer may run during the call when another thread starts a garbage collection; the
/// update of a large table takes milliseconds, and LibTorch then reads a freed Scalar ("Unknown scalar type",
/// "Expected false to be true … toFloat"), at random (<c>GcSafeAdamWTests</c> shows it).
/// </summary>
public sealed class GcSafeAdamW : AdamW
{
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

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2) = (options.beta1!.Value, options.beta2!.Value);
        var (lr, eps, decay) = (options.LearningRate!.Value, options.eps!.Value, options.weight_decay!.Value);
        if (options.amsgrad!.Value || options.maximize!.Value)
        {
            throw new NotSupportedException("GcSafeAdamW implements AdamW without amsgrad and maximize");
        }
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            var correction1 = 1 - Math.Pow(beta1, state.step);
            var correction2 = 1 - Math.Pow(beta2, state.step);

            using (var keep = (1 - lr * decay).ToScalar()) param.mul_(keep);
            using (var b1 = beta1.ToScalar())
            using (var rest1 = (1 - beta1).ToScalar())
            {
                state.exp_avg.mul_(b1).add_(grad, rest1);
            }
            using (var b2 = beta2.ToScalar())
            using (var rest2 = (1 - beta2).ToScalar())
            {
                state.exp_avg_sq.mul_(b2).addcmul_(grad, grad, rest2);
            }
            using var root = Math.Sqrt(correction2).ToScalar();
            using var epsilon = eps.ToScalar();
            using var denom = state.exp_avg_sq.sqrt().div_(root).add_(epsilon, KeptScalars.One); // add_(Scalar) alone would pass a temporary alpha of 1
            using var stepSize = (-lr / correction1).ToScalar();
            param.addcdiv_(state.exp_avg, denom, stepSize);
        }
    }, closure);
}
