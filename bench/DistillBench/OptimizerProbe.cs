using System.Diagnostics;
using Distill.DistillStudent.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillBench;

/// <summary>Milliseconds of one call of a piece of work: wall time and the process's CPU time.</summary>
public sealed record CallTime(double Ms, double CpuMs);

/// <summary>The work a training step does outside the model, on a model's parameters.</summary>
/// <param name="Ours">one <see cref="GcSafeAdamW"/> step</param>
/// <param name="TorchSharps">one step of TorchSharp's own AdamW (what the loop used before)</param>
/// <param name="Clip">one <c>clip_grad_norm_</c> over every gradient</param>
public sealed record OptimizerTiming(CallTime Ours, CallTime TorchSharps, CallTime Clip, long Parameters);

/// <summary>
/// Times optimizer steps alone over copies of a model's trainable parameters with fixed random gradients in place,
/// ours and TorchSharp's AdamW one after the other, each after one untimed step (which creates its state).
/// </summary>
public static class OptimizerProbe
{
    public static OptimizerTiming Measure(nn.Module model, int steps)
    {
        manual_seed(7);
        var copies = model.parameters().Where(p => p.requires_grad).Select(p => new Parameter(p.detach().clone())).ToList();
        try
        {
            foreach (var p in copies)
            {
                using var grad = randn_like(p);
                p.grad = grad;
            }
            CallTime Time(Action step)
            {
                step();
                using var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < steps; i++) step();
                var wall = clock.Elapsed.TotalMilliseconds / steps;
                process.Refresh();
                return new CallTime(wall, (process.TotalProcessorTime - cpu).TotalMilliseconds / steps);
            }
            CallTime TimeOptimizer(Func<IEnumerable<Parameter>, optim.Optimizer> create)
            {
                using var optimizer = create(copies);
                return Time(() => optimizer.step());
            }
            var ours = TimeOptimizer(p => new GcSafeAdamW(p, 1e-4, 0.01));
            var theirs = TimeOptimizer(p => optim.AdamW(p, 1e-4, weight_decay: 0.01));
            // A large max norm: the norms are computed and the gradients scaled by 1, as a step that clips little does.
            var clip = Time(() => nn.utils.clip_grad_norm_(copies, 1e9));
            return new OptimizerTiming(ours, theirs, clip, copies.Sum(p => p.numel()));
        }
        finally
        {
            foreach (var p in copies) p.Dispose();
        }
    }
}
