using Distill.Export.Graph;
using Distill.Models;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Export.Mapping;

/// <summary>
/// The task heads (dropout is the identity at inference): <see cref="BertForSequenceClassification"/> (classifier
/// over the pooled output: a classifier always has a pooler, as in transformers), <see cref="BertForTokenClassification"/>
/// (classifier per token) and <see cref="BertForQuestionAnswering"/> (qa_outputs split into start and end).
/// </summary>
internal static class HeadExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the task model's weights (head keys at the root: <c>classifier.*</c>, <c>qa_outputs.*</c>)</param>
    /// <param name="kind">the task</param>
    /// <param name="hidden">the last hidden state (B, T, H)</param>
    /// <param name="pooled">the pooler's output (B, H); null for heads that do not use it</param>
    /// <returns>output name → value, named as <see cref="OutputNames"/> says</returns>
    public static IReadOnlyList<(string Name, string Value)> Emit(OnnxGraphBuilder graph, ModuleWeights weights, TaskKind kind, string hidden, string? pooled)
    {
        switch (kind)
        {
            case TaskKind.Classification:
                var sentence = pooled ?? throw new ArgumentException("a sequence classifier has a pooler", nameof(pooled));
                return [(OutputNames.Logits, LinearExport.Emit(graph, weights, "classifier", sentence))]; // (B, C)
            case TaskKind.Tagging:
                return [(OutputNames.Logits, LinearExport.Emit(graph, weights, "classifier", hidden))]; // (B, T, C)
            default:
                var both = LinearExport.Emit(graph, weights, "qa_outputs", hidden); // (B, T, 2)
                var halves = graph.Node("Split", ["qa.start", "qa.end"], [both, graph.Int64s(1, 1)], Attributes.Int("axis", -1));
                var squeeze = graph.Int64s(-1);
                return
                [
                    (OutputNames.StartLogits, graph.Node("Squeeze", OutputNames.StartLogits, [halves[0], squeeze])), // (B, T)
                    (OutputNames.EndLogits, graph.Node("Squeeze", OutputNames.EndLogits, [halves[1], squeeze])),
                ];
        }
    }
}
