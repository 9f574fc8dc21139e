using Distill.Cache;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Teachers;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// An online teacher's per-row outputs become the same tensors as fp32 cache rows of the same outputs (what the online
/// ONNX teacher built before, through rows it made up), so that an online and a cached teacher teach alike.
/// </summary>
public sealed class TeacherOutputTensorsTests
{
    public static TheoryData<TaskKind> Kinds => [TaskKind.Classification, TaskKind.Tagging, TaskKind.Qa];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Build_RowsOfTwoLengths_SameTensorsAsFp32CacheRows(TaskKind kind)
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        const int width = 2, hiddenSize = 3;
        int[] lengths = [2, 3];
        var outputs = lengths.Select((length, r) => new TeacherOutput(
            Values(r, (kind == TaskKind.Classification ? 1 : length) * width), [Values(10 + r, length * hiddenSize)], [], null)).ToList();
        var spec = new CacheSpec
        {
            Task = kind.Name(), LogitWidth = width, TokenLevelLogits = kind != TaskKind.Classification, HiddenLayers = [4],
            HiddenSize = hiddenSize, NumHeads = 1, DType = CacheDType.Fp32,
        };
        var rows = outputs.Select((o, r) => new CacheReadRow($"f{r}", $"e{r}", new int[lengths[r]], [], [], o.Logits, [CachedTensor.FromFloats(o.Hidden[0])], [], null)).ToList();

        var online = TeacherOutputTensors.Build(outputs, lengths, kind, width, hiddenSize, [4]);
        var cached = TeacherTensors.Build(rows, spec, new CacheColumns { HiddenLayers = [4], AttentionLayers = [], Pooled = false }, kind);

        Assert.Equal(cached.Logits!.shape, online.Logits!.shape);
        Assert.Equal(cached.Logits.data<float>().ToArray(), online.Logits.data<float>().ToArray());
        Assert.Equal(cached.LogitsMask?.data<long>().ToArray(), online.LogitsMask?.data<long>().ToArray());
        Assert.Equal(cached.InputMask!.data<long>().ToArray(), online.InputMask!.data<long>().ToArray());
        Assert.Equal(cached.Hidden![4].shape, online.Hidden![4].shape);
        Assert.Equal(cached.Hidden[4].data<float>().ToArray(), online.Hidden[4].data<float>().ToArray());
        Assert.Empty(online.Attention!);
    }

    /// <summary>Distinct values per row and position, so a value in the wrong place shows.</summary>
    private static float[] Values(int row, int count) => Enumerable.Range(0, count).Select(i => row * 100f + i * 0.5f).ToArray();
}
