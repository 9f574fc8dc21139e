using Distill.DistillStudent.Configuration;
using Distill.Errors;
using TorchSharp;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// What every run does first, before loading anything: refuse a device it cannot train on, then log one warning per
/// TextBrewer key that has no effect here and the schedule the run trains with (ours differs from TextBrewer's).
/// </summary>
internal static class RunPreamble
{
    /// <exception cref="InvalidOperationException">the config asks for CUDA (exit code 5, Environment)</exception>
    public static void Write(TrainingConfig training, DistillationConfig? distillation, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(log);
        RequireDevice(training.Device, CudaAvailable);
        foreach (var note in training.Notes().Concat(distillation?.Notes() ?? [])) log.WriteLine(note);
        log.WriteLine($"schedule: {training.ScheduleSummary()}");
    }

    /// <summary>
    /// <c>cpu</c> passes. For <c>cuda</c>/<c>cuda:N</c> the run stops before any work with one line: either this
    /// LibTorch has no CUDA (the default, CPU-only build), or it has, and training here does not yet move models and
    /// batches to the GPU.
    /// </summary>
    internal static void RequireDevice(string device, Func<bool> cudaAvailable)
    {
        if (device == "cpu") return;
        throw new KindedException(ErrorKind.Environment, cudaAvailable()
            ? $"device \"{device}\": LibTorch has CUDA here, but training in this toolkit runs on the CPU only so far; nothing was run; set \"device\": \"cpu\""
            : $"device \"{device}\": this LibTorch has no CUDA (the default build is CPU-only; -p:TorchBackend=cuda builds with CUDA, see README), so nothing was run; set \"device\": \"cpu\" to train on the CPU");
    }

    // TorchSharp throws rather than say false where LibTorch has no CUDA.
    private static bool CudaAvailable() => Runtime.TorchRuntime.PickDevice(preferCuda: true).type == DeviceType.CUDA;
}
