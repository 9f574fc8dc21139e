using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Tasks;

namespace Distill.Models.Heads;

/// <summary>Extractive QA: start and end logits per token (Hugging Face's BertForQuestionAnswering: no pooler, no dropout).</summary>
internal sealed class BertForQuestionAnswering : BertTaskModel
{
    private readonly BertModel bert;
    private readonly Linear qa_outputs;

    public BertForQuestionAnswering(BertConfig config) : base(nameof(BertForQuestionAnswering), config)
    {
        bert = new BertModel(config, addPoolingLayer: false);
        qa_outputs = nn.Linear(config.HiddenSize, 2);
        InitializeHead(qa_outputs, config);
        RegisterComponents();
    }

    public override TaskKind Kind => TaskKind.Qa;
    public override BertModel Encoder => bert;
    public override string Architecture => "BertForQuestionAnswering";

    public override TaskOutput forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool outputAttentions = false)
    {
        var encoded = bert.forward(inputIds, attentionMask, tokenTypeIds, outputAttentions);
        return new TaskOutput(qa_outputs.call(encoded.LastHiddenState), encoded); // (B, T, 2)
    }
}
