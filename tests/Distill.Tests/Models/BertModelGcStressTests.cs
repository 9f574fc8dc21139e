using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

/// <summary>
/// The BERT forward and backward of a small but not tiny model while another thread collects: every implicit Scalar
/// (the alpha of <c>a + b</c>, the divisor of <c>x / d</c>, …) that TorchSharp passes to LibTorch without keeping it
/// alive could be finalized during the native call, as in a long distillation run that died in
/// <c>BertEmbeddings.forward</c>. Before the forward went through <c>KeptScalars</c> this test passed all the same
/// (3 of 3 runs), so it guards the forward rather than proves the defect; <c>KeptScalarsTests</c> shows it on one
/// operator.
/// </summary>
public sealed class BertModelGcStressTests
{
    public BertModelGcStressTests() => TestAssets.EnsureTorch();

    [Fact]
    public void ForwardBackward_CollectionsOnAnotherThread_EveryStepSucceeds()
    {
        manual_seed(3);
        using var model = new BertModel(new BertConfig
        {
            VocabSize = 1000,
            HiddenSize = 128,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            IntermediateSize = 256,
            MaxPositionEmbeddings = 64,
            TypeVocabSize = 2,
        });
        model.train();
        using var ids = randint(1, 1000, [16, 64]);
        using var mask = ones(16, 64, dtype: ScalarType.Int64);
        var losses = new List<float>();
        using (new CollectorThread())
        {
            for (var i = 0; i < 40; i++)
            {
                using (NewDisposeScope())
                {
                    model.zero_grad();
                    var output = model.forward(ids, mask, outputAttentions: true);
                    var loss = output.LastHiddenState.pow(2).mean();
                    loss.backward();
                    losses.Add(loss.item<float>());
                }
            }
        }
        Assert.All(losses, loss => Assert.True(float.IsFinite(loss)));
    }
}
