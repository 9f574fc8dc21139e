using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>
/// A BERT encoder whose parameter names are Hugging Face's (<c>embeddings.*</c>, <c>encoder.layer.N.*</c>,
/// <c>pooler.*</c>), so a Hugging Face <c>model.safetensors</c> loads into it and what it saves loads in transformers.
/// </summary>
public sealed class BertModel : nn.Module
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    /// <summary>A randomly initialized encoder of <paramref name="config"/>'s shape (load weights with a state dict afterwards).</summary>
    /// <param name="config">the architecture; validated first</param>
    /// <param name="addPoolingLayer">with the pooler (dense + tanh over [CLS]) that sequence classifiers read; encoders without one leave it out</param>
    public BertModel(BertConfig config, bool addPoolingLayer = true) : base(nameof(BertModel))
    {
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = addPoolingLayer ? new BertPooler(config) : null;
        RegisterComponents();
    }

    /// <summary>The architecture the model was built from.</summary>
    public BertConfig Config { get; }

    /// <summary>Whether the model has a pooler, so that <see cref="BertModelOutput.PooledOutput"/> is set.</summary>
    public bool HasPooler => pooler is not null;

    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="attentionMask">(B, T): 1 for real tokens, 0 for padding</param>
    /// <param name="tokenTypeIds">(B, T) int64, or null for all zeros</param>
    /// <param name="outputAttentions">also return every layer's attention probabilities</param>
    public BertModelOutput forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null, bool outputAttentions = false)
    {
        if (inputIds.dim() != 2 || !inputIds.shape.SequenceEqual(attentionMask.shape))
        {
            throw new ArgumentException(
                $"input_ids and attention_mask must both be (batch, seq); got [{string.Join(",", inputIds.shape)}] and [{string.Join(",", attentionMask.shape)}]");
        }
        using var scope = NewDisposeScope();
        var types = tokenTypeIds ?? zeros_like(inputIds);
        var hidden = embeddings.call(inputIds, types);
        var additiveMask = AdditiveMask(attentionMask, hidden.dtype); // (B, 1, 1, T)
        var (hiddenStates, attentions) = encoder.call(hidden, additiveMask, outputAttentions);
        var pooled = pooler?.call(hiddenStates[^1]);

        var keep = hiddenStates.Concat(attentions ?? []).Append(pooled).OfType<Tensor>().ToArray();
        scope.MoveToOuter(keep);
        return new BertModelOutput(hiddenStates, attentions, pooled);
    }

    /// <summary>
    /// Layer <paramref name="layer"/>'s (from 0) self-attention query, key and value projections, (B, T, H) each, of its
    /// input <paramref name="layerInput"/> (hidden state <paramref name="layer"/> of <see cref="forward"/>'s output): the
    /// same products the forward pass took, recomputed only for the layers a relation match reads.
    /// </summary>
    public (Tensor Query, Tensor Key, Tensor Value) QueryKeyValue(int layer, Tensor layerInput)
    {
        if (layer < 0 || layer >= Config.NumHiddenLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.NumHiddenLayers - 1}");
        }
        return encoder.Layer(layer).Attention.Self.Projections(layerInput);
    }

    /// <summary>0 where a token may be attended to, the dtype's lowest value at padding (as Hugging Face does).</summary>
    internal static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype)
    {
        var lowest = dtype switch
        {
            ScalarType.Float16 => (double)Half.MinValue,
            ScalarType.BFloat16 => -3.38953139e38,
            ScalarType.Float64 => double.MinValue,
            _ => float.MinValue,
        };
        return attentionMask.to(dtype).SubtractedFrom(1.0).Times(lowest).unsqueeze(1).unsqueeze(2);
    }
}
