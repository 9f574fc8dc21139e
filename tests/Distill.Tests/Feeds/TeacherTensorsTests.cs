using Distill.Cache;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tests.Cache;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.Tests.Feeds;

public sealed class TeacherTensorsTests
{
    private static readonly CacheSpec Spec = new()
    {
        Task = "classification", LogitWidth = 2, HiddenLayers = [0, 3], AttentionLayers = [1], HiddenSize = 2, NumHeads = 1, DType = CacheDType.Fp16,
    };

    private static CachedTensor Fp16(params float[] values) => new(CacheFixtures.Encoded(values, CacheDType.Fp16), CacheDType.Fp16, values.Length);

    private static CacheReadRow Row(int[] ids, CachedTensor hidden, CachedTensor attention) =>
        new("f", "e", ids, new int[2 * ids.Length], new int[ids.Length], [0.1f, 0.2f], [hidden], [attention], null);

    [Fact]
    public void Build_RowsOfTwoLengths_DecodesEachIntoItsPlaceAndZeroPads()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // Values exact in fp16. Row 0 has 1 token, row 1 has 2: T = 2, row 0's second position is padding.
        CacheReadRow[] rows =
        [
            Row([101], Fp16(1.5f, -2f), Fp16(1f)),
            Row([101, 102], Fp16(0.5f, 1f, 2f, 3f), Fp16(0.25f, 0.75f, 0.5f, 0.5f)),
        ];

        var output = TeacherTensors.Build(rows, Spec, new CacheColumns { HiddenLayers = [3], AttentionLayers = [1], Pooled = false }, TaskKind.Classification);

        Assert.Equal([2L, 2, 2], output.Hidden![3].shape);
        Assert.Equal([1.5f, -2f, 0f, 0f, 0.5f, 1f, 2f, 3f], output.Hidden[3].data<float>().ToArray());
        Assert.Equal([2L, 1, 2, 2], output.Attention![1].shape);
        Assert.Equal([1f, 0f, 0f, 0f, 0.25f, 0.75f, 0.5f, 0.5f], output.Attention[1].data<float>().ToArray());
        Assert.Equal([1L, 0, 1, 1], output.InputMask!.data<long>().ToArray());
    }
}
