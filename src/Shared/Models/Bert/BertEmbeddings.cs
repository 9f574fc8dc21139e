using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>Word + position + token-type embeddings, then LayerNorm and dropout (Hugging Face <c>embeddings.*</c>).</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly int maxPositions;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="tokenTypeIds">(B, T) int64</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        var length = inputIds.shape[1];
        if (length > maxPositions)
        {
            throw new ArgumentException(
                $"sequence length {length} exceeds max_position_embeddings ({maxPositions}); truncate the input");
        }
        var positions = KeptScalars.Range(length, ScalarType.Int64, inputIds.device).unsqueeze(0); // (1, T)
        var embeddings = word_embeddings.call(inputIds)
            .Plus(token_type_embeddings.call(tokenTypeIds))
            .Plus(position_embeddings.call(positions));
        return dropout.call(LayerNorm.call(embeddings));
    }
}
