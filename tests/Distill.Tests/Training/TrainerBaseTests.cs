using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Training;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class TrainerBaseTests
{
    /// <summary>One-example batches holding x; an epoch's batches in order.</summary>
    private sealed class ScalarFeed(float[] xs) : IBatchFeed
    {
        public int Count => xs.Length;
        public int BatchesPerEpoch => xs.Length;

        public IEnumerable<Batch> Epoch(int epoch, int firstBatch) =>
            xs.Skip(firstBatch).Select(x => new Batch(new Dictionary<string, Tensor> { ["x"] = tensor(new[] { x }) }, 1));
    }

    /// <summary>The loss of a batch is w·x, so its gradient with respect to w is x.</summary>
    private sealed class LinearTrainer(TrainingConfig config, TorchSharp.Modules.Linear linear, TrainerOutput output)
        : TrainerBase(config, new AdaptedModel(linear, _ => throw new NotSupportedException(), (_, _) => throw new NotSupportedException()), output)
    {
        protected override LossResult ComputeLoss(Batch batch, TrainingProgress progress) =>
            new(linear.call(batch["x"].unsqueeze(1)).sum(), new Dictionary<string, Tensor>());
    }

    [Fact]
    public void Train_ShortLastAccumulationGroup_AveragesOverItsRealSize()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        using var linear = nn.Linear(1, 1, hasBias: false);
        using (no_grad()) linear.weight!.fill_(10);
        var config = new TrainingConfig { BatchSize = 1, GradientAccumulationSteps = 2, NumEpochs = 1, LogSteps = 1 };
        var trainer = new LinearTrainer(config, linear, new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));
        using var sgd = optim.SGD(linear.parameters(), 1.0);

        // x = 1, 2, 4 in groups of 2: the first step's gradient is the mean (1 + 2) / 2 = 1.5, the second's the
        // mean of the one batch left, 4 (not 4 / 2). With SGD at learning rate 1: w = 10 − 1.5 − 4 = 4.5.
        trainer.Train(sgd, new ScalarFeed([1, 2, 4]), scheduler: (_, _) => 1.0, maxGradNorm: 0);

        Assert.Equal(4.5f, linear.weight!.item<float>(), 5);
    }

    [Fact]
    public void Train_NumSteps_CyclesTheDataAndCheckpointsEveryCkptSteps()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        using var linear = nn.Linear(1, 1, hasBias: false);
        using (no_grad()) linear.weight!.fill_(10);
        var config = new TrainingConfig { BatchSize = 1, NumEpochs = 1, LogSteps = 1, CkptSteps = 2 };
        var trainer = new LinearTrainer(config, linear, new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));
        using var sgd = optim.SGD(linear.parameters(), 1.0);
        var checkpoints = new List<long>();

        // 5 steps over x = 1, 2, 4 cycled: 1, 2, 4, 1, 2; SGD at rate 1 subtracts each x: w = 10 − 10 = 0.
        var summary = trainer.Train(sgd, new ScalarFeed([1, 2, 4]), scheduler: (_, _) => 1.0, maxGradNorm: 0, numSteps: 5, callback: e => checkpoints.Add(e.GlobalStep));

        Assert.Equal(0f, linear.weight!.item<float>(), 5);
        Assert.Equal(5, summary.Steps);
        Assert.Equal([2L, 4, 5], checkpoints);
    }

    [Fact]
    public void Train_BatchPostprocessor_IsWhatTheLossSees()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        using var linear = nn.Linear(1, 1, hasBias: false);
        using (no_grad()) linear.weight!.fill_(10);
        var config = new TrainingConfig { BatchSize = 1, NumEpochs = 1, LogSteps = 1 };
        var trainer = new LinearTrainer(config, linear, new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));
        using var sgd = optim.SGD(linear.parameters(), 1.0);

        // The postprocessor doubles x: w = 10 − 2·(1 + 2 + 4) = −4.
        trainer.Train(sgd, new ScalarFeed([1, 2, 4]), scheduler: (_, _) => 1.0, maxGradNorm: 0,
            batchPostprocessor: batch => new Batch(new Dictionary<string, Tensor> { ["x"] = batch["x"] * 2 }, batch.Size));

        Assert.Equal(-4f, linear.weight!.item<float>(), 5);
    }

    [Fact]
    public void Train_CallersOptimizerAlone_ConstantRateAndNoClippingAsTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        using var linear = nn.Linear(1, 1, hasBias: false);
        using (no_grad()) linear.weight!.fill_(10);
        // Our config defaults would warm up over half the steps and clip each gradient to norm 1.
        var config = new TrainingConfig { BatchSize = 1, NumEpochs = 1, LogSteps = 1, WarmupProportion = 0.5, MaxGradNorm = 1 };
        var trainer = new LinearTrainer(config, linear, new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));
        using var sgd = optim.SGD(linear.parameters(), 1.0);

        // TextBrewer's train(optimizer, …) with no scheduler and max_grad_norm −1: w = 10 − 1 − 2 − 4 at rate 1, unclipped.
        trainer.Train(sgd, new ScalarFeed([1, 2, 4]));

        Assert.Equal(3f, linear.weight!.item<float>(), 5);
    }
}
