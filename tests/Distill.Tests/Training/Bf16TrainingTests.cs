using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Training;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class Bf16TrainingTests
{
    /// <summary>Trains the tiny task's student from the same seed and returns its per-step training losses and its parameters' dtypes.</summary>
    private static (List<double> Losses, ScalarType[] Types) Train(TemporaryDirectory dir, string name, TrainingConfig precision)
    {
        var encoder = TinyTask.Write(Directory.CreateDirectory(dir.File(name)).FullName);
        var config = precision with
        {
            Model = encoder, TrainFile = Path.Combine(dir.File(name), "train.jsonl"), OutputDir = dir.File($"{name}-out"),
            BatchSize = 8, MaxSeqLength = 16, NumSteps = 60, LearningRate = 5e-3, WarmupProportion = 0, LogSteps = 1,
        };
        manual_seed(config.Seed);
        using var student = TaskStudent.Load(config, TextWriter.Null);
        new BasicTrainer(config, student.Adapted(), new TrainerOutput(config.OutputDir!, new StringWriter(), IsTerminal: false)).Train(student.Feed());
        var losses = File.ReadLines(Path.Combine(config.OutputDir!, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("split").GetString() == "train")
            .Select(e => e.GetProperty("loss").GetDouble())
            .ToList();
        return (losses, student.Model.Module.parameters().Select(p => p.dtype).Distinct().ToArray());
    }

    [Fact]
    public void Train_Bf16_LossFallsAsInFloat32WithFloat32Weights()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();

        var (fp32, _) = Train(dir, "fp32", new TrainingConfig());
        var (bf16, types) = Train(dir, "bf16", new TrainingConfig { Bf16 = true });

        Assert.Equal(60, bf16.Count);
        Assert.Equal([ScalarType.Float32], types);
        // The switch reaches the student: the arithmetic differs from the first step.
        Assert.NotEqual(fp32[0], bf16[0]);
        // Both learn the task (the loss falls from ln 2 to about 0.3 here), and bf16 follows fp32 step by step.
        static double Fall(List<double> l) => l.Take(12).Average() - l.TakeLast(12).Average();
        var curves = $"bf16 losses: {string.Join(", ", bf16)}; fp32: {string.Join(", ", fp32)}";
        Assert.True(Fall(fp32) > 0.2, curves);
        Assert.True(Fall(bf16) >= 0.9 * Fall(fp32), curves);
        Assert.True(bf16.Zip(fp32, (b, f) => Math.Abs(b - f) / f).Max() < 3e-2, curves);
    }
}
