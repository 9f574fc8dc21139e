using Distill.Inference;
using Distill.Models;
using Distill.Tests.Features;
using Distill.Tests.Support;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;
using Distill.Tasks;

namespace Distill.Tests.Inference;

/// <summary>
/// Exported students small enough to compute by hand, written with OnnxSharp beside <see cref="TinyVocabulary"/>'s
/// vocab.txt, with the metadata the exporter writes. Every model looks each token up in a table E (vocab × width)
/// and zeroes padding: tagging logits = E[id] · mask; classification logits = Σ over tokens of E[id] · mask;
/// QA start and end logits = S[id] and F[id].
/// </summary>
internal static class TinyStudents
{
    public static readonly string[] ClassLabels = ["neg", "pos"];
    public static readonly string[] TagLabels = ["O", "B-X", "I-X"];

    /// <summary>[CLS] → (0.5, 0), "the" → (1, 0), "cat" → (0, 2), "play" → (0.5, 0), "##ing" → (0, 1); others 0.</summary>
    public static float[] ClassTable() => Table(2, new()
    {
        ["[CLS]"] = [0.5f, 0], ["the"] = [1, 0], ["cat"] = [0, 2], ["play"] = [0.5f, 0], ["##ing"] = [0, 1],
    });

    /// <summary>Every token (1, 0, 0) = "O", except "cat" → (0, 2, 0) = B-X, "play" → (0, 0, 2) = I-X, "##ing" → (0, 3, 0).</summary>
    public static float[] TagTable() => Table(3, new()
    {
        ["cat"] = [0, 2, 0], ["play"] = [0, 0, 2], ["##ing"] = [0, 3, 0],
    }, fallback: [1, 0, 0]);

    public static string Classifier(string directory, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var graph = Lookup(ClassTable(), 2);
        var sum = Node("ReduceSum", ["masked", "axis1"], "logits");
        sum.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(sum);
        graph.Initializer.Add(TinyOnnx.Longs("axis1", 1));
        graph.Output.Add(TinyOnnx.Value("logits", DataType.Float, "batch", "2"));
        return Write(directory, graph, metadata ?? Metadata(TaskKind.Classification, ClassLabels));
    }

    public static string Tagger(string directory)
    {
        var graph = Lookup(TagTable(), 3);
        graph.Node.Add(Node("Identity", ["masked"], "logits"));
        graph.Output.Add(TinyOnnx.Value("logits", DataType.Float, "batch", "sequence", "3"));
        return Write(directory, graph, Metadata(TaskKind.Tagging, TagLabels));
    }

    /// <summary>Start logit 5 on "cafe", end logit 5 on "paris", 0 elsewhere.</summary>
    public static string QuestionAnswerer(string directory)
    {
        var graph = Inputs();
        var vocab = TinyVocabulary.Lines.Length;
        graph.Initializer.Add(TinyOnnx.Floats("S", [vocab], TinyVocabulary.Lines.Select(t => t == "cafe" ? 5f : 0f).ToArray()));
        graph.Initializer.Add(TinyOnnx.Floats("F", [vocab], TinyVocabulary.Lines.Select(t => t == "paris" ? 5f : 0f).ToArray()));
        graph.Node.Add(Node("Gather", ["S", "input_ids"], "start_logits"));
        graph.Node.Add(Node("Gather", ["F", "input_ids"], "end_logits"));
        graph.Output.Add(TinyOnnx.Value("start_logits", DataType.Float, "batch", "sequence"));
        graph.Output.Add(TinyOnnx.Value("end_logits", DataType.Float, "batch", "sequence"));
        return Write(directory, graph, Metadata(TaskKind.Qa, []));
    }

    public static IReadOnlyDictionary<string, string> Metadata(TaskKind task, IReadOnlyList<string> labels) =>
        new OnnxModelMetadata(task, labels, LowerCase: true, StripAccents: null, MaxSeqLength: 128).ToProperties();

    /// <summary>The model inputs, and <c>masked</c> = E[input_ids] · attention_mask, (batch, sequence, width).</summary>
    private static GraphProto Lookup(float[] table, int width)
    {
        var graph = Inputs();
        graph.Initializer.Add(TinyOnnx.Floats("E", [TinyVocabulary.Lines.Length, width], table));
        graph.Initializer.Add(TinyOnnx.Longs("last", -1));
        graph.Node.Add(Node("Gather", ["E", "input_ids"], "embedded"));
        var cast = Node("Cast", ["attention_mask"], "mask_float");
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)DataType.Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Unsqueeze", ["mask_float", "last"], "mask_column"));
        graph.Node.Add(Node("Mul", ["embedded", "mask_column"], "masked"));
        return graph;
    }

    private static GraphProto Inputs()
    {
        var graph = new GraphProto { Name = "tiny-student" };
        foreach (var name in new[] { "input_ids", "attention_mask", "token_type_ids" })
        {
            graph.Input.Add(TinyOnnx.Value(name, DataType.Int64, "batch", "sequence"));
        }
        return graph;
    }

    private static NodeProto Node(string op, string[] inputs, string output) => new() { OpType = op, Input = { inputs }, Output = { output } };

    private static float[] Table(int width, Dictionary<string, float[]> rows, float[]? fallback = null) =>
        TinyVocabulary.Lines.SelectMany(token => rows.GetValueOrDefault(token) ?? fallback ?? new float[width]).ToArray();

    private static string Write(string directory, GraphProto graph, IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), TinyVocabulary.Lines);
        return TinyOnnx.Save(Path.Combine(directory, "model.onnx"), graph, metadata);
    }
}
