using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Tasks;

namespace Distill.Models.Heads;

/// <summary>A BERT encoder (Hugging Face key prefix <c>bert.</c>) with a task head on top.</summary>
internal abstract class BertTaskModel : nn.Module
{
    protected BertTaskModel(string name, BertConfig config) : base(name)
    {
        Config = config;
    }

    public BertConfig Config { get; }

    public abstract TaskKind Kind { get; }

    /// <summary>The encoder, to load base-model weights into or to read hidden states from.</summary>
    public abstract BertModel Encoder { get; }

    /// <summary>The Hugging Face class name written to <c>architectures</c> in config.json.</summary>
    public abstract string Architecture { get; }

    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="attentionMask">(B, T)</param>
    /// <param name="tokenTypeIds">(B, T) or null</param>
    /// <param name="outputAttentions">also return attention probabilities</param>
    public abstract TaskOutput forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool outputAttentions = false);

    /// <summary>Hugging Face's head initialization: N(0, initializer_range) weights, zero biases.</summary>
    public static void InitializeHead(TorchSharp.Modules.Linear head, BertConfig config)
    {
        using var _ = no_grad();
        head.weight!.normal_(0, config.InitializerRange);
        head.bias!.zero_();
    }
}
