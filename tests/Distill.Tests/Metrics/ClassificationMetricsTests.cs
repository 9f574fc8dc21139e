using Distill.Metrics;

namespace Distill.Tests.Metrics;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Accuracy_ThreeOfFourRight_IsThreeQuarters()
    {
        Assert.Equal(0.75, ClassificationMetrics.Accuracy([0, 1, 1, 2], [0, 1, 2, 2]));
    }

    [Fact]
    public void MacroF1_ThreeClasses_IsMeanOfPerClassF1()
    {
        // class 0: TP 1, FP 1, FN 1 -> F1 0.5; class 1: TP 2, FP 1, FN 0 -> 0.8; class 2: TP 0, FN 1 -> 0.
        var f1 = ClassificationMetrics.MacroF1([0, 0, 1, 1, 2], [0, 1, 1, 1, 0]);

        Assert.Equal((0.5 + 0.8 + 0) / 3, f1, 12);
    }

    [Fact]
    public void MacroF1_ClassOnlyPredicted_CountsAsZero()
    {
        // class 0: TP 1, FN 1 -> 2/3; class 1 never gold, predicted once -> 0.
        Assert.Equal(1.0 / 3, ClassificationMetrics.MacroF1([0, 0], [0, 1]), 12);
    }

    [Fact]
    public void MacroF1_AllRight_IsOne()
    {
        Assert.Equal(1.0, ClassificationMetrics.MacroF1([2, 0, 1, 2], [2, 0, 1, 2]));
    }

    [Fact]
    public void Accuracy_LengthsDiffer_ErrorNamesBothLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([0, 1, 2], [0, 1]));

        Assert.Contains("3 gold and 2 predicted", error.Message);
    }

    [Fact]
    public void MacroF1_Empty_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.MacroF1([], []));

        Assert.Contains("empty", error.Message);
    }
}
