using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Tasks;

namespace Distill.Models.Heads;

/// <summary>
/// Sentence (pair) classification: dropout + linear over the pooled output (Hugging Face's
/// BertForSequenceClassification). It always has a pooler, as transformers' does: a directory it saves loads
/// there and predicts the same, which a classifier over the raw [CLS] vector would not (transformers would add a
/// random pooler in front of it).
/// </summary>
internal sealed class BertForSequenceClassification : BertTaskModel
{
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public BertForSequenceClassification(BertConfig config, int numLabels)
        : base(nameof(BertForSequenceClassification), config)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numLabels, 2);
        bert = new BertModel(config, addPoolingLayer: true);
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
        return new TaskOutput(classifier.call(dropout.call(encoded.PooledOutput!)), encoded); // (B, C)
    }

    /// <summary>
    /// Hugging Face's init (weight N(0, initializer_range), zero bias) for a pooler that the weights loaded into
    /// this model did not have (e.g. an encoder exported without one); it is then trained and saved with the rest.
    /// </summary>
    public void InitializePooler()
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in bert.named_parameters().Where(p => p.name.StartsWith("pooler.", StringComparison.Ordinal)))
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0, Config.InitializerRange);
        }
    }
}
