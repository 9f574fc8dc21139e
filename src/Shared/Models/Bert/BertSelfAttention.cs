using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>Multi-head scaled dot-product self-attention (Hugging Face <c>attention.self.*</c>).</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, bool, (Tensor Context, Tensor? Probabilities)>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int heads;
    private readonly int headSize;
    private readonly double dropoutProbability;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        heads = config.NumAttentionHeads;
        headSize = config.HeadSize;
        dropoutProbability = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T): 0 where attended, a large negative number at padding</param>
    /// <param name="returnProbabilities">whether to compute and return the attention probabilities</param>
    public override (Tensor Context, Tensor? Probabilities) forward(Tensor hidden, Tensor additiveMask, bool returnProbabilities)
    {
        // In a bf16 scope q, k, v and the context stay bf16 for the products (the output Linear reads the context);
        // the scores and their softmax are in hidden's dtype.
        var q = SplitHeads(Bf16Autocast.LinearForProduct(query, hidden)); // (B, heads, T, d)
        var k = SplitHeads(Bf16Autocast.LinearForProduct(key, hidden));
        var v = SplitHeads(Bf16Autocast.LinearForProduct(value, hidden));
        var p = training ? dropoutProbability : 0.0;

        Tensor context;
        Tensor? probabilities = null;
        if (returnProbabilities)
        {
            var scores = Bf16Autocast.MatMul(q, k.transpose(-1, -2), hidden.dtype).DividedBy(Math.Sqrt(headSize)).Plus(additiveMask); // (B, heads, T, T)
            probabilities = scores.softmax(-1);
            context = Bf16Autocast.MatMul(nn.functional.dropout(probabilities, p, training), v, v.dtype);
        }
        else
        {
            // The fused kernel is faster and never materializes (T, T) probabilities; in bf16, LibTorch's CPU kernels accumulate its softmax in float32.
            context = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: Bf16Autocast.MaskAs(additiveMask, q.dtype), p: p);
        }
        var (b, t) = (hidden.shape[0], hidden.shape[1]);
        return (context.transpose(1, 2).reshape(b, t, heads * headSize), probabilities); // (B, T, H), bf16 in a bf16 scope
    }

    /// <summary>
    /// The query, key and value projections of <paramref name="hidden"/>, each (B, T, H) with the heads concatenated:
    /// what MiniLM's relations compare. Float32 in a bf16 scope too, since they feed a loss.
    /// </summary>
    public (Tensor Query, Tensor Key, Tensor Value) Projections(Tensor hidden) => (query.call(hidden), key.call(hidden), value.call(hidden));

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headSize).transpose(1, 2);
}
