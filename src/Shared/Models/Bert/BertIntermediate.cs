using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>The feed-forward expansion and its activation (Hugging Face <c>intermediate.*</c>).</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly Func<Tensor, Tensor> activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        activation = Activations.Get(config.HiddenAct);
        RegisterComponents();
    }

    /// <returns>(B, T, intermediate_size); bf16 in a bf16 scope, where only the output Linear reads it</returns>
    public override Tensor forward(Tensor hidden) => activation(Bf16Autocast.LinearForProduct(dense, hidden));
}
