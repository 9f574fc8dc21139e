using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>Self-attention followed by its output projection (Hugging Face <c>attention.*</c>).</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, bool, (Tensor Hidden, Tensor? Probabilities)>
{
    [ComponentName(Name = "self")]
    private readonly BertSelfAttention selfAttention;
    private readonly BertSelfOutput output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        selfAttention = new BertSelfAttention(config);
        output = new BertSelfOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    internal BertSelfAttention Self => selfAttention;

    public override (Tensor Hidden, Tensor? Probabilities) forward(Tensor hidden, Tensor additiveMask, bool returnProbabilities)
    {
        var (context, probabilities) = selfAttention.call(hidden, additiveMask, returnProbabilities);
        return (output.call(context, hidden), probabilities);
    }
}
