using static TorchSharp.torch;

namespace Distill.Tokenization;

/// <summary>Tokenized texts padded to the longest one: (B, T) int64 ids, mask and token types.</summary>
public sealed class InputBatch : IDisposable
{
    private InputBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, long[] ids, long[] mask, long[] types)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        IdsFlat = ids;
        MaskFlat = mask;
        TypesFlat = types;
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

    public static InputBatch Pad(IReadOnlyList<TokenizedText> texts, int padId)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        var length = texts.Max(t => t.Length);
        var ids = new long[texts.Count * length];
        var mask = new long[ids.Length];
        var types = new long[ids.Length];
        Array.Fill(ids, padId);
        for (var row = 0; row < texts.Count; row++)
        {
            var text = texts[row];
            for (var i = 0; i < text.Length; i++)
            {
                ids[row * length + i] = text.Ids[i];
                mask[row * length + i] = 1;
                types[row * length + i] = text.TypeIds[i];
            }
        }
        long[] shape = [texts.Count, length];
        return new InputBatch(tensor(ids, shape), tensor(mask, shape), tensor(types, shape), ids, mask, types);
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
