using static TorchSharp.torch;
using Distill.Tokenization;

namespace Distill.Batches;

/// <summary>Tokenized texts padded to the longest one: (B, T) int64 ids, mask and token types.</summary>
internal sealed class EncoderInputs : IDisposable
{
    private EncoderInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, PaddedTokens padded)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        IdsFlat = padded.Ids;
        MaskFlat = padded.Mask;
        TypesFlat = padded.Types;
    }

    public Tensor InputIds { get; }
    public Tensor AttentionMask { get; }
    public Tensor TokenTypeIds { get; }

    /// <summary>The same values row-major, for runtimes that take arrays (ONNX Runtime).</summary>
    public long[] IdsFlat { get; }
    public long[] MaskFlat { get; }
    public long[] TypesFlat { get; }

    public int Size => (int)InputIds.shape[0];
    public int Length => (int)InputIds.shape[1];

    public static EncoderInputs Pad(IReadOnlyList<TokenizedText> texts, int padId)
    {
        var padded = PaddedTokens.Pad(texts, padId);
        long[] shape = [padded.Size, padded.Length];
        return new EncoderInputs(tensor(padded.Ids, shape), tensor(padded.Mask, shape), tensor(padded.Types, shape), padded);
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
