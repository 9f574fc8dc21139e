using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Tasks;

namespace Distill.Models.Heads;

/// <summary>Per-token classification (Hugging Face's BertForTokenClassification: no pooler).</summary>
internal sealed class BertForTokenClassification : BertTaskModel
{
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public BertForTokenClassification(BertConfig config, int numLabels) : base(nameof(BertForTokenClassification), config)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numLabels, 2);
        bert = new BertModel(config, addPoolingLayer: false);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, numLabels);
        InitializeHead(classifier, config);
        RegisterComponents();
    }

    public override TaskKind Kind => TaskKind.Tagging;
    public override BertModel Encoder => bert;
    public override string Architecture => "BertForTokenClassification";

    public override TaskOutput forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool outputAttentions = false)
    {
        var encoded = bert.forward(inputIds, attentionMask, tokenTypeIds, outputAttentions);
        return new TaskOutput(classifier.call(dropout.call(encoded.LastHiddenState)), encoded); // (B, T, C)
    }
}
