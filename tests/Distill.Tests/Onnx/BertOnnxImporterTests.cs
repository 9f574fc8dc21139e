using Distill.Onnx;
using Distill.Tests.Support;
using Onnx;

namespace Distill.Tests.Onnx;

public sealed class BertOnnxImporterTests
{
    public BertOnnxImporterTests() => TestAssets.EnsureTorch();

    private static string Save(TemporaryDirectory dir, GraphProto graph)
    {
        return TinyOnnx.Save(dir.File("model.onnx"), graph);
    }

    [Fact]
    public void Import_NoWordEmbeddings_SaysItIsNotBert()
    {
        using var dir = new TemporaryDirectory();
        var graph = new GraphProto { Name = "g" };
        graph.Initializer.Add(TinyOnnx.Floats("classifier.weight", [2, 2], [1, 2, 3, 4]));

        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(Save(dir, graph)));

        Assert.Contains("no initializer named embeddings.word_embeddings.weight", error.Message);
    }

    [Fact]
    public void Import_MatMulThenNamedBias_WeightIsTransposed()
    {
        using var dir = new TemporaryDirectory();
        var graph = new GraphProto { Name = "g" };
        graph.Initializer.Add(TinyOnnx.Floats("embeddings.word_embeddings.weight", [3, 2], [0, 0, 0, 0, 0, 0]));
        graph.Initializer.Add(TinyOnnx.Floats("embeddings.position_embeddings.weight", [4, 2], new float[8]));
        graph.Initializer.Add(TinyOnnx.Floats("embeddings.token_type_embeddings.weight", [2, 2], new float[4]));
        graph.Initializer.Add(TinyOnnx.Floats("1234", [2, 3], [1, 2, 3, 4, 5, 6])); // (in=2, out=3)
        graph.Initializer.Add(TinyOnnx.Floats("encoder.layer.0.intermediate.dense.bias", [3], [0, 0, 0]));
        graph.Node.Add(new NodeProto { OpType = "MatMul", Input = { "x", "1234" }, Output = { "y" } });
        graph.Node.Add(new NodeProto { OpType = "Add", Input = { "encoder.layer.0.intermediate.dense.bias", "y" }, Output = { "z" } });

        var import = BertOnnxImporter.Import(Save(dir, graph), numAttentionHeads: 1);

        var weight = import.Weights["encoder.layer.0.intermediate.dense.weight"];
        Assert.Equal(new long[] { 3, 2 }, weight.shape);
        Assert.Equal([1f, 4, 2, 5, 3, 6], weight.data<float>().ToArray());
        Assert.Equal(3, import.Config.IntermediateSize);
        Assert.Equal(1, import.Config.NumHiddenLayers);
        Assert.Contains(import.Notes, n => n.Contains("layer_norm_eps = 1e-12 (assumed"));
    }

    [Fact]
    public void Import_NoHeadsInGraph_AsksForNumHeads()
    {
        using var dir = new TemporaryDirectory();
        var graph = new GraphProto { Name = "g" };
        graph.Initializer.Add(TinyOnnx.Floats("embeddings.word_embeddings.weight", [3, 2], new float[6]));
        graph.Initializer.Add(TinyOnnx.Floats("embeddings.position_embeddings.weight", [4, 2], new float[8]));
        graph.Initializer.Add(TinyOnnx.Floats("embeddings.token_type_embeddings.weight", [2, 2], new float[4]));

        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(Save(dir, graph)));

        Assert.Contains("pass --num-heads", error.Message);
    }
}
