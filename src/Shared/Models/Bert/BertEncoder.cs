using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>The stack of transformer blocks (Hugging Face <c>encoder.layer.*</c>).</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, bool, (IReadOnlyList<Tensor> HiddenStates, IReadOnlyList<Tensor>? Attentions)>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    internal BertLayer Layer(int index) => layer[index];

    /// <returns>the input and every layer's output (layers + 1 tensors), and each layer's attention probabilities if asked</returns>
    public override (IReadOnlyList<Tensor> HiddenStates, IReadOnlyList<Tensor>? Attentions) forward(
        Tensor hidden, Tensor additiveMask, bool returnProbabilities)
    {
        var hiddenStates = new List<Tensor> { hidden };
        var attentions = returnProbabilities ? new List<Tensor>() : null;
        foreach (var block in layer)
        {
            var (next, probabilities) = block.call(hiddenStates[^1], additiveMask, returnProbabilities);
            hiddenStates.Add(next);
            if (probabilities is not null) attentions!.Add(probabilities);
        }
        return (hiddenStates, attentions);
    }
}
