using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Runtime;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Training;

/// <summary>
/// <see cref="TrainerBase.Train(IBatchFeed, CancellationToken)"/> called from user code: it claims its output
/// directory as the command line does, sets the config's thread count, and stops (or skips) a non-finite batch.
/// </summary>
public sealed class TrainerRunGuardTests
{
    /// <summary>One-example batches holding x.</summary>
    private sealed class ScalarFeed(float[] xs) : IBatchFeed
    {
        public int Count => xs.Length;
        public int BatchesPerEpoch => xs.Length;

        public IEnumerable<Batch> Epoch(int epoch, int firstBatch) =>
            xs.Skip(firstBatch).Select(x => new Batch(new Dictionary<string, Tensor> { ["x"] = tensor(new[] { x }) }, 1));
    }

    /// <summary>The loss of a batch is w·x (its gradient with respect to w is x) unless told otherwise, logged as the term "linear".</summary>
    private sealed class LinearTrainer(TrainingConfig config, TorchSharp.Modules.Linear linear, TrainerOutput output, Func<TorchSharp.Modules.Linear, Tensor, Tensor>? lossOf)
        : TrainerBase(config, new AdaptedModel(linear, _ => throw new NotSupportedException(), (_, _) => throw new NotSupportedException()), output)
    {
        protected override LossResult ComputeLoss(Batch batch, TrainingProgress progress)
        {
            var loss = lossOf?.Invoke(linear, batch["x"]) ?? linear.call(batch["x"].unsqueeze(1)).sum();
            return new(loss, new Dictionary<string, Tensor> { ["linear"] = loss });
        }
    }

    private static (LinearTrainer Trainer, TorchSharp.Modules.Linear Linear) Trainer(string output, TrainingConfig config,
        Func<TorchSharp.Modules.Linear, Tensor, Tensor>? lossOf = null)
    {
        TestAssets.EnsureTorch();
        var linear = nn.Linear(1, 1, hasBias: false);
        using (no_grad()) linear.weight!.fill_(10);
        return (new LinearTrainer(config, linear, new TrainerOutput(output, new StringWriter(), IsTerminal: false), lossOf), linear);
    }

    private static readonly TrainingConfig Sgd = new() { BatchSize = 1, NumEpochs = 1, LogSteps = 1, MaxGradNorm = 0, WarmupProportion = 0 };

    private static void TrainWithSgd(LinearTrainer trainer, TorchSharp.Modules.Linear linear, float[] xs)
    {
        using var sgd = optim.SGD(linear.parameters(), 1.0);
        trainer.Train(sgd, new ScalarFeed(xs), scheduler: (_, _) => 1.0);
    }

    [Fact]
    public void Train_NaNLoss_StopsBeforeTheOptimizerStepNamingTheStepAndTerm()
    {
        using var dir = new TemporaryDirectory();
        var (trainer, linear) = Trainer(dir.File("out"), Sgd);

        var error = Assert.Throws<NonFiniteLossException>(() => TrainWithSgd(trainer, linear, [1, float.NaN, 2]));

        // Step 1 took w from 10 to 9; step 2's NaN never reached the weight.
        Assert.Equal(9f, linear.weight!.item<float>());
        Assert.Contains("step 2", error.Message);
        Assert.Contains("linear", error.Message);
    }

    [Theory]
    [InlineData(0.0)] // the norm measured on its own
    [InlineData(1.0)] // the norm clipping measured (it has scaled the gradients by NaN: the step must not use them)
    public void Train_FiniteLossWithNonFiniteGradient_StopsBeforeTheOptimizerStep(double maxGradNorm)
    {
        using var dir = new TemporaryDirectory();
        // sqrt(|w|) at w = 0: the loss is 0, its gradient is not finite.
        var (trainer, linear) = Trainer(dir.File("out"), Sgd with { MaxGradNorm = maxGradNorm }, (l, _) => l.weight!.abs().sqrt().sum());
        using (no_grad()) linear.weight!.fill_(0);

        var error = Assert.Throws<NonFiniteLossException>(() => TrainWithSgd(trainer, linear, [1]));

        Assert.Equal(0f, linear.weight!.item<float>());
        Assert.Contains("step 1", error.Message);
        Assert.Contains("gradient", error.Message);
    }

    [Fact]
    public void Train_NaNLossWithSkipNonFinite_SkipsAndCountsTheBatch()
    {
        using var dir = new TemporaryDirectory();
        var (trainer, linear) = Trainer(dir.File("out"), Sgd with { SkipNonFiniteBatches = true });
        using var sgd = optim.SGD(linear.parameters(), 1.0);

        var summary = trainer.Train(sgd, new ScalarFeed([1, float.NaN, 2]), scheduler: (_, _) => 1.0);

        // 10 − 1 − 2: the NaN batch's step was skipped.
        Assert.Equal(7f, linear.weight!.item<float>());
        Assert.Equal(1, summary.SkippedSteps);
    }

    [Fact]
    public void Train_DirectoryHoldingAnotherRunsCheckpoints_RefusesNamingWhatDiffers()
    {
        using var dir = new TemporaryDirectory();
        var (first, firstLinear) = Trainer(dir.File("out"), Sgd);
        TrainWithSgd(first, firstLinear, [1, 2]);
        var (second, secondLinear) = Trainer(dir.File("out"), Sgd with { LearningRate = 1e-3 });

        var error = Assert.Throws<ConfigException>(() => TrainWithSgd(second, secondLinear, [1, 2]));

        Assert.Contains("learning_rate", error.Message);
        Assert.Equal(10f, secondLinear.weight!.item<float>());
    }

    [Fact]
    public void Train_DirectoryHoldingCheckpointsOfAnUnrecordedRun_Refuses()
    {
        using var dir = new TemporaryDirectory();
        var (first, firstLinear) = Trainer(dir.File("out"), Sgd);
        TrainWithSgd(first, firstLinear, [1, 2]);
        File.Delete(dir.File("out", TrainerBase.RunFile));
        var (second, secondLinear) = Trainer(dir.File("out"), Sgd);

        var error = Assert.Throws<ConfigException>(() => TrainWithSgd(second, secondLinear, [1, 2]));

        Assert.Contains($"holds checkpoints but no {TrainerBase.RunFile}", error.Message);
        Assert.Equal(10f, secondLinear.weight!.item<float>());
    }

    [Fact]
    public void Train_ConfigThreads_TakesEffect()
    {
        using var dir = new TemporaryDirectory();
        var (trainer, linear) = Trainer(dir.File("out"), Sgd with { Threads = 2 });
        set_num_threads(1);
        try
        {
            TrainWithSgd(trainer, linear, [1]);
            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            set_num_threads(1);
        }
    }
}
