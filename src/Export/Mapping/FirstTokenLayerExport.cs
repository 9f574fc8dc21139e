using Distill.Export.Graph;
using Distill.Models;
using Distill.Runtime;
using Distill.Tasks;

namespace Distill.Export.Mapping;

/// <summary>
/// The last <see cref="BertLayer"/> computed for the first position only, for a sequence classifier, whose logits
/// read nothing else (the pooler takes position 0 of the last layer). The query, the output projection, both
/// residual + LayerNorm steps and the feed-forward run on one vector per sequence; the keys and values of the
/// other positions are never formed. Per head h, with x the layer's input (B, T, H) and q_h the first position's
/// query:
/// <list type="bullet">
/// <item>score_t = q_h·(W_k,h x_t + b_k,h)/√d = (q_h W_k,h / √d)·x_t + constant, and a constant added to every
/// score cancels in softmax, so the key bias drops out and the key projection folds into the query: (H) per head
/// instead of (T, H).</item>
/// <item>Σ_t p_t (W_v,h x_t + b_v,h) = W_v,h (Σ_t p_t x_t) + b_v,h, as the p_t sum to 1: the values are projected
/// once, after the weighted sum.</item>
/// </list>
/// Exact up to float rounding. Either padding side works: position 0 is whatever token is there, as in the pooler.
/// </summary>
internal static class FirstTokenLayerExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the last <c>encoder.layer.N.*</c> weights</param>
    /// <param name="config">sizes, heads, epsilon, activation</param>
    /// <param name="hidden">the layer's input (B, T, H)</param>
    /// <param name="attentionMask">(B, T) int64, 1 for real tokens</param>
    /// <returns>the layer's output at position 0 (B, H)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string hidden, string attentionMask)
    {
        var (heads, size, width) = (config.NumAttentionHeads, config.HeadSize, config.HiddenSize);
        var self = weights.Child("attention.self");
        var first = graph.Node("Gather", weights.Key("first_token"), [hidden, graph.Int64Scalar(0)], Attributes.Int("axis", 1)); // (B, H)
        var query = LinearExport.Emit(graph, self, "query", first);
        var queryHeads = graph.Node("Reshape", self.Key("query.heads"), [query, graph.Int64s(0, heads, 1, size)]); // (B, heads, 1, d)

        // (heads, d, H): W_k split by output rows into heads, divided by √d.
        var keyFold = self.Initializer(graph, self.Key("key.folded"), ["key.weight"], w => w[0].reshape(heads, size, width).Times(1 / Math.Sqrt(size)).contiguous());
        self.Unneeded("key.bias");
        var foldedQuery = graph.Node("MatMul", self.Key("query.folded"), [queryHeads, keyFold]); // (B, heads, 1, H)
        var perHead = graph.Node("Reshape", self.Key("query.per_head"), [foldedQuery, graph.Int64s(0, heads, width)]); // (B, heads, H)
        var keys = graph.Node("Transpose", self.Key("hidden.transposed"), [hidden], Attributes.Ints("perm", 0, 2, 1)); // (B, H, T)
        var scores = graph.Node("MatMul", self.Key("scores"), [perHead, keys]); // (B, heads, T)
        var masked = graph.Node("Add", self.Key("masked"), [scores, AttentionMaskExport.ForOneQuery(graph, attentionMask)]);
        var probabilities = graph.Node("Softmax", self.Key("probabilities"), [masked], Attributes.Int("axis", -1));
        var mixed = graph.Node("MatMul", self.Key("mixed"), [probabilities, hidden]); // (B, heads, H): Σ_t p_t x_t per head
        var mixedHeads = graph.Node("Unsqueeze", self.Key("mixed.heads"), [mixed, graph.Int64s(2)]); // (B, heads, 1, H)

        // (heads, H, d): W_v split by output rows into heads, each transposed to (in, out).
        var valueFold = self.Initializer(graph, self.Key("value.folded"), ["value.weight"], w => w[0].reshape(heads, size, width).transpose(1, 2).contiguous());
        var values = graph.Node("MatMul", self.Key("value.matmul"), [mixedHeads, valueFold]); // (B, heads, 1, d)
        var merged = graph.Node("Reshape", self.Key("context.merged"), [values, graph.Int64s(0, width)]); // (B, H)
        var context = graph.Node("Add", self.Key("context"), [merged, self.Initializer(graph, "value.bias")]);

        var attended = SelfOutputExport.Emit(graph, weights.Child("attention.output"), config, context, first);
        var expanded = FeedForwardExport.Emit(graph, weights.Child("intermediate"), config, attended);
        return SelfOutputExport.Emit(graph, weights.Child("output"), config, expanded, attended); // (B, H)
    }

    /// <summary>Whether an export may compute its last layer at position 0 only: a sequence classifier whose only output is its logits.</summary>
    public static bool Applies(TaskKind? kind, bool hiddenState) => kind == TaskKind.Classification && !hiddenState;
}
