using Distill.DistillStudent.Training;

namespace Distill.Tests.Training;

public sealed class TrainingPlanTests
{
    private static TrainingPlan Plan(int examples = 100, int batch = 8, int accumulation = 2, int epochs = 3, int frequency = 1, int epochFrequency = 1, int? steps = null) =>
        new(examples, batch, accumulation, epochs, frequency, epochFrequency, steps, WarmupProportion: 0.1);

    [Fact]
    public void Counts_HandComputed()
    {
        var plan = Plan();

        Assert.Equal(13, plan.BatchesPerEpoch); // ceil(100 / 8)
        Assert.Equal(7, plan.StepsPerEpoch);    // ceil(13 / 2): the odd last batch still makes a step
        Assert.Equal(21, plan.TotalSteps);
        Assert.Equal(2, plan.WarmupSteps);      // floor(21 × 0.1)
    }

    [Fact]
    public void IsCheckpoint_TwicePerEpochEveryOtherEpoch()
    {
        var plan = Plan(frequency: 2, epochFrequency: 2);

        var points = new List<(int Epoch, int Step)>();
        long global = 0;
        for (var epoch = 0; epoch < 3; epoch++)
        for (var step = 1; step <= plan.StepsPerEpoch; step++)
        {
            global++;
            if (plan.IsCheckpoint(global, epoch, step)) points.Add((epoch, step));
        }

        // TextBrewer's positions, truncated: int(7 · 0 / 2) = 0 (the epoch's end) and int(7 · 1 / 2) = 3, in epoch 1
        // (every other epoch) and in the last epoch, which TextBrewer always checkpoints (it rounded to 4 before).
        Assert.Equal([(1, 3), (1, 7), (2, 3), (2, 7)], points);
    }

    [Fact]
    public void NumSteps_CyclesTheDataOverAsManyEpochsAsTheStepsReach()
    {
        var plan = Plan(steps: 4) with { NumSteps = 16 };

        Assert.Equal(16, plan.TotalSteps);
        Assert.Equal(3, plan.LoopEpochs);   // 7 + 7 + 2 steps
        Assert.Equal(1, plan.WarmupSteps);  // floor(16 × 0.1)
        var points = Enumerable.Range(1, 16).Where(s => plan.IsCheckpoint(s, (s - 1) / 7, (s - 1) % 7 + 1)).ToList();
        Assert.Equal([4, 8, 12, 16], points);
    }

    [Fact]
    public void IsCheckpoint_CkptStepsOverridesFrequency()
    {
        var plan = Plan(steps: 5);

        var points = Enumerable.Range(1, 21).Where(s => plan.IsCheckpoint(s, (s - 1) / 7, (s - 1) % 7 + 1)).ToList();

        Assert.Equal([5, 10, 15, 20, 21], points);
    }
}
