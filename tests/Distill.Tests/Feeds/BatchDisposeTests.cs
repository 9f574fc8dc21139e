using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using static TorchSharp.torch;

namespace Distill.Tests.Feeds;

public sealed class BatchDisposeTests
{
    [Fact]
    public void Dispose_CachedTeacherWithProjections_DisposesTheProjectionsToo()
    {
        var (query, key, value) = (zeros(1, 2, 4), zeros(1, 2, 4), zeros(1, 2, 4));
        var teacher = new AdaptorOutput(Logits: zeros(1, 2))
        {
            Projections = LayerProjections.Of(new Dictionary<int, (Tensor Query, Tensor Key, Tensor Value)> { [0] = (query, key, value) }),
        };
        var batch = new Batch(new Dictionary<string, Tensor> { [Batch.InputIds] = zeros([1, 2], ScalarType.Int64) }, 1, [teacher], ["f0"]);

        batch.Dispose();

        Assert.True(teacher.Logits!.IsInvalid);
        Assert.All(new[] { query, key, value }, t => Assert.True(t.IsInvalid));
    }
}
