using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Sentence (pair) classification: dropout + linear over the pooled output (Hugging Face's
/// BertForSequenceClassification), or over the [CLS] hidden state when the model has no pooler.
/// </summary>
public sealed class BertForSequenceClassification : BertTaskModel
{
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public BertForSequenceClassification(BertConfig config, int numLabels, bool usePooler = true)
        : base(nameof(BertForSequenceClassification), config)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numLabels, 2);
        bert = new BertModel(config, addPoolingLayer: usePooler);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, numLabels);
        InitializeHead(classifier, config);
        RegisterComponents();
    }

    public override TaskKind Kind => TaskKind.Classification;
    public override BertModel Encoder => bert;
    public override string Architecture => "BertForSequenceClassification";

    public override TaskOutput forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool outputAttentions = false)
    {
        var encoded = bert.forward(inputIds, attentionMask, tokenTypeIds, outputAttentions);
        var sentence = encoded.PooledOutput ?? encoded.LastHiddenState[.., 0]; // (B, H)
        return new TaskOutput(classifier.call(dropout.call(sentence)), encoded); // (B, C)
    }
}
