using Distill.Models;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Batches;
using Distill.Models.Bert;

namespace Distill.Onnx;

/// <summary>Compares our TorchSharp encoder with the ONNX model it came from.</summary>
internal static class ParityCheck
{
    /// <summary>Sentences of different lengths, so padding is exercised too.</summary>
    public static readonly string[] DefaultSentences =
    [
        "A man is playing a guitar.",
        "The quick brown fox jumps over the lazy dog, again and again, until it is tired.",
        "Héllo wörld! Naïve café owners don't like 1,000 unknown-words: xyzzyqwerty.",
        "机器学习 is fun.",
    ];

    /// <summary>The largest absolute difference of the last hidden state over real (unpadded) tokens.</summary>
    public static double MaxAbsDiff(BertModel model, OnnxEncoderSession onnx, WordPieceEncoder tokenizer, IReadOnlyList<string> sentences)
    {
        var texts = sentences.Select(s => tokenizer.Encode(s, maxLength: model.Config.MaxPositionEmbeddings)).ToList();
        using var batch = EncoderInputs.Pad(texts, tokenizer.PadId);
        var (expected, shape) = onnx.LastHiddenState(batch);

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        var actual = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).LastHiddenState;
        var reference = tensor(expected, shape);
        if (!reference.shape.SequenceEqual(actual.shape))
        {
            throw new OnnxImportException($"ONNX last hidden state has shape [{string.Join(",", shape)}], ours [{string.Join(",", actual.shape)}]");
        }
        var realTokens = batch.AttentionMask.unsqueeze(-1).to(ScalarType.Float32); // (B, T, 1)
        return ((actual - reference).abs() * realTokens).max().item<float>();
    }
}
