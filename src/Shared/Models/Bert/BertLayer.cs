using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>One transformer block (Hugging Face <c>encoder.layer.N.*</c>).</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, bool, (Tensor Hidden, Tensor? Probabilities)>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertSelfOutput output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertSelfOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    internal BertAttention Attention => attention;

    public override (Tensor Hidden, Tensor? Probabilities) forward(Tensor hidden, Tensor additiveMask, bool returnProbabilities)
    {
        var (attended, probabilities) = attention.call(hidden, additiveMask, returnProbabilities);
        return (output.call(intermediate.call(attended), attended), probabilities);
    }
}
