using System.Globalization;
using System.Text.RegularExpressions;
using Distill.Models;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Onnx;

/// <summary>
/// Recovers a Hugging Face BERT state dict and config from the initializers of a BERT ONNX export.
/// Exporters keep Hugging Face names for embeddings, biases and LayerNorms but often give the projection
/// matrices generated names (<c>927</c>, <c>onnx::MatMul_1234</c>) stored transposed; those are found by
/// following the graph: <c>MatMul(x, W) → Add(·, NAME.bias)</c> means <c>NAME.weight = Wᵀ</c>.
/// </summary>
internal static partial class BertOnnxImporter
{
    private static readonly string[] Prefixes = ["bert."];

    public static OnnxImport Import(string onnxPath, int? numAttentionHeads = null)
    {
        var graph = OnnxGraph.Load(onnxPath);
        var notes = new List<string>();
        var weights = new Dictionary<string, float[]>();
        var shapes = new Dictionary<string, long[]>();
        var used = new HashSet<string>();

        void Add(string key, float[] values, long[] shape, string initializer)
        {
            weights[key] = values;
            shapes[key] = shape;
            used.Add(initializer);
        }

        foreach (var (name, initializer) in graph.Initializers)
        {
            var key = StripPrefix(name);
            if (OnnxGraph.IsFloat(initializer) && HuggingFaceKey().IsMatch(key))
            {
                Add(key, OnnxGraph.Floats(initializer), initializer.Dims.ToArray(), name);
            }
        }
        MapProjections(graph, weights, Add, notes);

        if (!shapes.TryGetValue("embeddings.word_embeddings.weight", out var wordShape))
        {
            throw new OnnxImportException($"{onnxPath}: no initializer named embeddings.word_embeddings.weight (or bert.embeddings.word_embeddings.weight); this does not look like a Hugging Face BERT export");
        }
        var hidden = (int)wordShape[1];
        var layers = weights.Keys
            .Select(k => LayerIndex().Match(k))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value))
            .DefaultIfEmpty(-1).Max() + 1;
        var config = new BertConfig
        {
            VocabSize = (int)wordShape[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = numAttentionHeads ?? InferHeads(graph, hidden, notes),
            IntermediateSize = shapes.TryGetValue("encoder.layer.0.intermediate.dense.weight", out var ff) ? (int)ff[0] : hidden * 4,
            MaxPositionEmbeddings = (int)Require(shapes, "embeddings.position_embeddings.weight", onnxPath)[0],
            TypeVocabSize = (int)Require(shapes, "embeddings.token_type_embeddings.weight", onnxPath)[0],
            LayerNormEps = InferLayerNormEps(graph, notes),
            HiddenAct = InferActivation(graph, notes),
        };
        if (numAttentionHeads is not null) notes.Add($"num_attention_heads = {numAttentionHeads} (given)");

        var unused = graph.Initializers
            .Where(kv => !used.Contains(kv.Key) && OnnxGraph.IsFloat(kv.Value) && kv.Value.Dims.Count >= 1 && kv.Value.Dims.Aggregate(1L, (a, b) => a * b) > 1)
            .Select(kv => $"{kv.Key} [{string.Join(",", kv.Value.Dims)}]")
            .ToList();
        if (unused.Count > 0)
        {
            notes.Add($"left unmapped (not part of a BERT encoder, e.g. a task head): {string.Join(", ", unused)}");
        }

        var tensors = weights.ToDictionary(kv => kv.Key, kv => tensor(kv.Value, shapes[kv.Key]));
        var hasPooler = tensors.ContainsKey("pooler.dense.weight");
        return new OnnxImport(config, tensors, hasPooler, notes);
    }

    private static void MapProjections(OnnxGraph graph, Dictionary<string, float[]> weights, Action<string, float[], long[], string> add, List<string> notes)
    {
        var mapped = 0;
        foreach (var node in graph.Nodes)
        {
            var isMatMul = node.OpType == "MatMul";
            var isGemm = node.OpType == "Gemm";
            if (!(isMatMul || isGemm) || node.Input.Count < 2) continue;
            var weightName = node.Input[1];
            if (!graph.Initializers.TryGetValue(weightName, out var initializer) || initializer.Dims.Count != 2) continue;

            string? biasName = isGemm && node.Input.Count > 2 ? node.Input[2] : null;
            biasName ??= graph.ConsumersOf(node.Output[0])
                .Where(c => c.OpType == "Add")
                .SelectMany(c => c.Input)
                .FirstOrDefault(i => i != node.Output[0] && graph.Initializers.ContainsKey(i));
            if (biasName is null) continue;
            var biasKey = StripPrefix(biasName);
            if (!biasKey.EndsWith(".bias", StringComparison.Ordinal)) continue;
            var weightKey = biasKey[..^".bias".Length] + ".weight";
            if (weights.ContainsKey(weightKey)) continue;

            // MatMul computes x·W, so W is (in, out); Hugging Face stores Linear weights as (out, in).
            var transB = isGemm && node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1;
            var values = OnnxGraph.Floats(initializer);
            var (rows, cols) = ((int)initializer.Dims[0], (int)initializer.Dims[1]);
            if (transB)
            {
                add(weightKey, values, [rows, cols], weightName);
            }
            else
            {
                add(weightKey, Transpose(values, rows, cols), [cols, rows], weightName);
            }
            mapped++;
        }
        if (mapped > 0) notes.Add($"{mapped} projection weights found by following MatMul/Gemm → bias in the graph");
    }

    private static float[] Transpose(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
            result[c * rows + r] = values[r * cols + c];
        return result;
    }

    /// <summary>Heads are not in any weight's shape: read them from a Reshape target (…, heads, head_size).</summary>
    private static int InferHeads(OnnxGraph graph, int hidden, List<string> notes)
    {
        var candidates = new List<long>();
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Reshape" && n.Input.Count == 2))
        {
            var dims = ResolveShape(graph, node.Input[1]);
            if (dims is { Length: 4 } && dims[2] > 1 && dims[3] > 1 && dims[2] * dims[3] == hidden)
            {
                candidates.Add(dims[2]);
            }
        }
        if (candidates.Count == 0)
        {
            throw new OnnxImportException($"{graph.Path}: could not find the number of attention heads in the graph (no Reshape to (batch, seq, heads, head_size)); pass --num-heads");
        }
        var heads = (int)candidates.GroupBy(c => c).MaxBy(g => g.Count())!.Key;
        notes.Add($"num_attention_heads = {heads} (from {candidates.Count} Reshape nodes)");
        return heads;
    }

    private static long[]? ResolveShape(OnnxGraph graph, string name)
    {
        if (graph.Constant(name) is { } constant) return OnnxGraph.Int64s(constant);
        var producer = graph.ProducerOf(name);
        if (producer?.OpType != "Concat") return null;
        var parts = new List<long>();
        foreach (var input in producer.Input)
        {
            // Dynamic parts (batch, sequence) come from Shape/Gather chains: mark them unknown.
            var value = graph.Constant(input);
            parts.AddRange(value is null ? [-1] : OnnxGraph.Int64s(value));
        }
        return parts.ToArray();
    }

    private static double InferLayerNormEps(OnnxGraph graph, List<string> notes)
    {
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "LayerNormalization")
            {
                var eps = AsWritten(node.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f);
                notes.Add($"layer_norm_eps = {eps:G} (LayerNormalization attribute)");
                return eps;
            }
            // Exports below opset 17 spell LayerNorm out: ... ReduceMean(x²) → Add(eps) → Sqrt.
            if (node.OpType == "Sqrt" && graph.ProducerOf(node.Input[0]) is { OpType: "Add" } add)
            {
                var eps = add.Input.Select(graph.Constant).OfType<TensorProto>().FirstOrDefault(c => OnnxGraph.IsFloat(c) && c.Dims.Aggregate(1L, (a, b) => a * b) == 1);
                if (eps is not null)
                {
                    var value = AsWritten(OnnxGraph.Floats(eps)[0]);
                    notes.Add($"layer_norm_eps = {value:G} (constant before Sqrt in the decomposed LayerNorm)");
                    return value;
                }
            }
        }
        notes.Add("layer_norm_eps = 1e-12 (assumed: no LayerNorm epsilon found in the graph)");
        return 1e-12;
    }

    /// <summary>The decimal a float32 constant was written from (1e-12 rather than 9.99999996e-13).</summary>
    private static double AsWritten(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string InferActivation(OnnxGraph graph, List<string> notes)
    {
        var ops = graph.Nodes.Select(n => n.OpType).ToHashSet();
        var (act, why) = ops switch
        {
            _ when ops.Contains("Erf") || ops.Contains("BiasGelu") => ("gelu", "Erf in the graph"),
            _ when ops.Contains("Gelu") => ("gelu", "Gelu op"),
            _ when ops.Contains("FastGelu") => ("gelu_new", "FastGelu op"),
            _ when ops.Contains("Relu") => ("relu", "Relu op"),
            _ => ("gelu", "assumed: no activation op recognized"),
        };
        notes.Add($"hidden_act = {act} ({why})");
        return act;
    }

    private static long[] Require(Dictionary<string, long[]> shapes, string key, string path) =>
        shapes.TryGetValue(key, out var shape)
            ? shape
            : throw new OnnxImportException($"{path}: no initializer named {key}");

    private static string StripPrefix(string name)
    {
        foreach (var prefix in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return name[prefix.Length..];
        }
        return name;
    }

    [GeneratedRegex(@"^(embeddings|encoder\.layer\.\d+|pooler)\.[\w.]+\.(weight|bias)$")]
    private static partial Regex HuggingFaceKey();

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerIndex();
}
