using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.Models.BiGru;

/// <summary>
/// TextBrewer's BiGRU student: word embeddings → bidirectional GRU layers → a linear head. Classification
/// max-pools the last layer over real tokens (padding never wins the max); tagging applies the head to every
/// token. Each layer is its own single-layer GRU so that every layer's output can be matched; sequences are packed
/// by length, so the backward direction starts at each sequence's last real token, not at its padding.
/// </summary>
internal sealed class BiGruTaskModel : nn.Module
{
    private readonly ModuleDict<Embedding> embeddings;
    private readonly ModuleList<GRU> gru;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    /// <summary>A freshly initialised model; the same <c>manual_seed</c> gives the same weights.</summary>
    public BiGruTaskModel(BiGruConfig config) : base(nameof(BiGruTaskModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = nn.ModuleDict(("word_embeddings", nn.Embedding(config.VocabSize, config.EmbeddingSize, padding_idx: config.PadTokenId)));
        gru = nn.ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(i => nn.GRU(i == 0 ? config.EmbeddingSize : config.OutputSize, config.HiddenSize, batchFirst: true, bidirectional: true))
            .ToArray());
        dropout = nn.Dropout(config.Dropout);
        classifier = nn.Linear(config.OutputSize, config.Labels.Count);
        RegisterComponents();
        Initialize();
    }

    public BiGruConfig Config { get; }

    public TaskKind Kind => Config.Task;

    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="attentionMask">(B, T): 1 for real tokens (a prefix of each row), 0 for padding</param>
    public BiGruOutput forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var lengths = attentionMask.sum(1).to(ScalarType.Int64).cpu(); // (B)
        var x = embeddings["word_embeddings"].call(inputIds); // (B, T, E)
        var hidden = new List<Tensor> { x };
        foreach (var layer in gru)
        {
            using var packed = nn.utils.rnn.pack_padded_sequence(dropout.call(x), lengths, batch_first: true, enforce_sorted: false);
            var (output, _) = layer.call(packed);
            using (output)
            {
                (x, _) = nn.utils.rnn.pad_packed_sequence(output, batch_first: true, total_length: length); // (B, T, 2H)
            }
            hidden.Add(x);
        }
        var features = dropout.call(x);
        using var minusInfinity = double.NegativeInfinity.ToScalar(); // alive until masked_fill returns (see KeptScalars)
        var logits = Kind == TaskKind.Classification
            ? classifier.call(features.masked_fill(attentionMask.eq(KeptScalars.Zero).unsqueeze(-1), minusInfinity).amax([1])) // (B, C)
            : classifier.call(features); // (B, T, C)
        return new BiGruOutput(logits.MoveToOuterDisposeScope(), hidden.Select(h => h.MoveToOuterDisposeScope()).ToList());
    }

    // Embeddings N(0, 0.02) with a zero padding row and the head N(0, 0.02) with zero bias, as our BERT models;
    // the GRU keeps PyTorch's U(-1/sqrt(hidden), 1/sqrt(hidden)).
    private void Initialize()
    {
        using var _ = no_grad();
        var words = embeddings["word_embeddings"].weight!;
        words.normal_(0, 0.02);
        words[Config.PadTokenId].zero_();
        classifier.weight!.normal_(0, 0.02);
        classifier.bias!.zero_();
    }
}
