using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>Projection + dropout + residual LayerNorm after a sub-layer (Hugging Face <c>attention.output.*</c> and <c>output.*</c>).</summary>
internal sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertSelfOutput(int inputSize, BertConfig config) : base(nameof(BertSelfOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, inputSize): the sub-layer's output</param>
    /// <param name="residual">(B, T, H): the sub-layer's input</param>
    public override Tensor forward(Tensor hidden, Tensor residual) =>
        LayerNorm.call(dropout.call(Bf16Autocast.Linear(dense, hidden)).Plus(residual));
}
