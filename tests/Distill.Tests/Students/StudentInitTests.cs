using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Tests.Students;

public sealed class StudentInitTests
{
    private static readonly BertConfig Wide = new()
    {
        VocabSize = 300, HiddenSize = 256, NumHiddenLayers = 1, NumAttentionHeads = 4, IntermediateSize = 512,
        MaxPositionEmbeddings = 64, PadTokenId = 3,
    };

    [Fact]
    public void InitializeWeights_Bert_MatchesHuggingFaceStatistics()
    {
        TestAssets.EnsureTorch();
        manual_seed(1);
        using var model = StudentInit.CreateTaskModel(Wide, TaskKind.Classification, 2);
        var weights = model.state_dict();

        // 65,536 draws: the sample std of N(0, 0.02) is within 0.0002 of 0.02 with overwhelming probability;
        // TorchSharp's Kaiming-uniform default would give 1/sqrt(3·256) ≈ 0.036.
        foreach (var key in new[] { "bert.encoder.layer.0.attention.self.query.weight", "bert.pooler.dense.weight", "bert.embeddings.word_embeddings.weight" })
        {
            var w = weights[key];
            Assert.InRange(w.std().item<float>(), 0.0195, 0.0205);
            Assert.InRange(w.mean().item<float>(), -0.001, 0.001);
        }
        Assert.InRange(weights["classifier.weight"].std().item<float>(), 0.017, 0.023);
        foreach (var (key, tensor) in weights.Where(kv => kv.Key.EndsWith(".bias", StringComparison.Ordinal)))
        {
            Assert.True(tensor.count_nonzero().item<long>() == 0, $"{key} is not zero");
        }
        foreach (var key in new[] { "bert.embeddings.LayerNorm.weight", "bert.encoder.layer.0.output.LayerNorm.weight" })
        {
            Assert.True(weights[key].eq(1).all().item<bool>(), $"{key} is not all ones");
        }
        Assert.Equal(0, weights["bert.embeddings.word_embeddings.weight"][Wide.PadTokenId].count_nonzero().item<long>());
        Assert.NotEqual(0, weights["bert.embeddings.word_embeddings.weight"][0].count_nonzero().item<long>());
        Assert.NotEqual(0, weights["bert.embeddings.position_embeddings.weight"][Wide.PadTokenId].count_nonzero().item<long>());
    }

    [Fact]
    public void CreateEncoder_SameSeed_SameWeights()
    {
        TestAssets.EnsureTorch();
        manual_seed(9);
        using var a = StudentInit.CreateEncoder(TinyBert.Config());
        manual_seed(9);
        using var b = StudentInit.CreateEncoder(TinyBert.Config());

        Assert.All(a.state_dict(), kv => Assert.True(kv.Value.SameAs(b.state_dict()[kv.Key]), kv.Key));
    }

    [Fact]
    public void CopyTeacherLayers_Layers0And2_StudentLayer1IsTeacherLayer2()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Weights(StudentTeachers.Encoder(dir));
        using var student = StudentInit.CreateEncoder(StudentTeachers.Config with { NumHiddenLayers = 2 });

        var copy = StudentInit.CopyTeacherLayers(student, teacher, [0, 2]);

        var weights = student.state_dict();
        Assert.Empty(copy.LeftRandom);
        Assert.Equal(weights.Count, copy.Copied.Count);
        foreach (var (key, value) in weights)
        {
            var source = key.Replace("encoder.layer.1.", "encoder.layer.2.", StringComparison.Ordinal);
            Assert.True(value.SameAs(teacher[source]), $"{key} differs from teacher {source}");
        }
        Assert.False(weights["encoder.layer.1.output.dense.weight"].SameAs(teacher["encoder.layer.1.output.dense.weight"]));
    }

    [Fact]
    public void CopyTeacherLayers_AllLayers_SameOutputsAsTeacher()
    {
        using var dir = new TemporaryDirectory();
        var teacherDir = StudentTeachers.Encoder(dir);
        using var teacher = ModelDirectory.LoadBert(teacherDir);
        using var student = StudentInit.CreateEncoder(StudentTeachers.Config);
        StudentInit.CopyTeacherLayers(student, StudentTeachers.Weights(teacherDir), [0, 1, 2]);
        student.eval();

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(new long[] { 2, 5, 6, 7, 3, 2, 8, 9, 3, 0 }, [2, 5]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, [2, 5]);
        var expected = teacher.forward(ids, mask);
        var actual = student.forward(ids, mask);

        Assert.True(actual.LastHiddenState.SameAs(expected.LastHiddenState));
        Assert.True(actual.PooledOutput!.SameAs(expected.PooledOutput!));
    }

    [Fact]
    public void CopyTeacherLayers_WiderStudent_NamesTheMisShapedKeys()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Weights(StudentTeachers.Encoder(dir));
        using var student = StudentInit.CreateEncoder(StudentTeachers.Config with { NumHiddenLayers = 1, HiddenSize = 32 });

        var error = Assert.Throws<ConfigException>(() => StudentInit.CopyTeacherLayers(student, teacher, [1]));

        Assert.Contains("encoder.layer.0.attention.self.query.weight ← teacher encoder.layer.1.attention.self.query.weight (student [32,32], teacher [16,16])", error.Message);
        Assert.Contains("embeddings.word_embeddings.weight", error.Message);
        Assert.Contains("hidden_size", error.Message);
    }

    [Theory]
    [InlineData(new[] { 0, 3 }, "3 out of range; the teacher has 3 layers, so indices must be in [0, 3)")]
    [InlineData(new[] { -1 }, "-1 out of range")]
    [InlineData(new[] { 1, 1 }, "1 chosen more than once")]
    [InlineData(new int[0], "at least one")]
    public void CheckLayers_BadIndices_Throw(int[] layers, string message)
    {
        var error = Assert.Throws<ConfigException>(() => StudentInit.CheckLayers(layers, 3));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ParseLayers_CommaList_ParsesAndRejectsJunk()
    {
        Assert.Equal([0, 4, 8], StudentInit.ParseLayers("0, 4,8"));
        var error = Assert.Throws<ConfigException>(() => StudentInit.ParseLayers("0,x"));
        Assert.Contains("\"x\" is not a layer index", error.Message);
    }

    [Fact]
    public void CopyMatching_OtherIntermediateSize_CopiesTheRestAndReportsFeedForwardRandom()
    {
        using var dir = new TemporaryDirectory();
        var source = StudentTeachers.Weights(StudentTeachers.Encoder(dir));
        using var student = StudentInit.CreateTaskModel(StudentTeachers.Config with { IntermediateSize = 40 }, TaskKind.Tagging, 2);

        var copy = StudentInit.CopyMatching(student, source);

        // Per layer: intermediate.dense weight+bias and output.dense weight are mis-shaped; plus the fresh head.
        var expectedRandom = Enumerable.Range(0, 3).SelectMany(i => new[]
        {
            $"bert.encoder.layer.{i}.intermediate.dense.weight", $"bert.encoder.layer.{i}.intermediate.dense.bias", $"bert.encoder.layer.{i}.output.dense.weight",
        }).Append("classifier.weight").Append("classifier.bias").Order();
        Assert.Equal(expectedRandom, copy.LeftRandom.Order());
        Assert.True(student.state_dict()["bert.encoder.layer.2.output.dense.bias"].SameAs(source["encoder.layer.2.output.dense.bias"]));
    }
}
