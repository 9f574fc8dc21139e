using Distill.Export.Graph;
using Distill.Models;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary>
/// <see cref="BertEmbeddings"/>: word + token-type + position embeddings, then LayerNorm (dropout is the identity
/// at inference). Positions are sliced from a constant 0..max-1 row by the sequence length, as the Hugging Face
/// export does, which is the pattern ONNX Runtime's EmbedLayerNormalization fusion looks for.
/// </summary>
internal static class EmbeddingsExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>embeddings.*</c> weights</param>
    /// <param name="config">sizes and epsilon</param>
    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="tokenTypeIds">(B, T) int64</param>
    /// <returns>(B, T, H)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string inputIds, string tokenTypeIds)
    {
        var words = graph.Node("Gather", weights.Key("word_embeddings"), [weights.Initializer(graph, "word_embeddings.weight"), inputIds]);
        var types = graph.Node("Gather", weights.Key("token_type_embeddings"), [weights.Initializer(graph, "token_type_embeddings.weight"), tokenTypeIds]);
        var sum = graph.Node("Add", weights.Key("words_plus_types"), [words, types]);

        var shape = graph.Node("Shape", weights.Key("input_shape"), [inputIds]);
        var length = graph.Node("Gather", weights.Key("sequence_length"), [shape, graph.Int64Scalar(1)], Attributes.Int("axis", 0));
        var end = graph.Node("Unsqueeze", weights.Key("sequence_end"), [length, graph.Int64s(0)]);
        var allPositions = Enumerable.Range(0, config.MaxPositionEmbeddings).Select(i => (long)i).ToArray();
        var positionTable = graph.Initializer(weights.Key("position_ids"), allPositions, 1, config.MaxPositionEmbeddings);
        var positionIds = graph.Node("Slice", weights.Key("positions"), [positionTable, graph.Int64s(0), end, graph.Int64s(1)]); // (1, T)
        var positions = graph.Node("Gather", weights.Key("position_embeddings"), [weights.Initializer(graph, "position_embeddings.weight"), positionIds]);

        var embeddings = graph.Node("Add", weights.Key("sum"), [sum, positions]);
        return LayerNormExport.Emit(graph, weights, config, embeddings);
    }
}
