using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Models.Heads;

namespace Distill.Tests.Students;

/// <summary>Tiny teacher directories (3 layers, hidden 16) for student tests.</summary>
internal static class StudentTeachers
{
    public const int Layers = 3;

    public static BertConfig Config => TinyBert.Config() with { NumHiddenLayers = Layers };

    public static string WriteVocab(TemporaryDirectory dir, string name = "vocab.txt")
    {
        // 50 lines, the tiny config's vocab_size.
        return dir.Write(name, string.Join("\n", Enumerable.Range(0, 50).Select(i => i == 0 ? "[PAD]" : $"tok{i}")) + "\n");
    }

    /// <summary>A plain encoder with a pooler, seeded so each call with the same seed gives the same weights.</summary>
    public static string Encoder(TemporaryDirectory dir, string name = "teacher", int seed = 3, BertConfig? config = null)
    {
        TestAssets.EnsureTorch();
        manual_seed(seed);
        using var model = new BertModel(config ?? Config);
        var path = Path.Combine(dir.Path, name);
        ModelDirectory.Save(path, model, WriteVocab(dir));
        return path;
    }

    /// <summary>A classification teacher with labels neg, neu, pos and a trained-looking (random) head.</summary>
    public static string Classifier(TemporaryDirectory dir, string name = "task-teacher", int seed = 5)
    {
        TestAssets.EnsureTorch();
        manual_seed(seed);
        using var model = new BertForSequenceClassification(Config, 3);
        var path = Path.Combine(dir.Path, name);
        TaskModelDirectory.Save(path, model, ["neg", "neu", "pos"], WriteVocab(dir));
        return path;
    }

    public static Dictionary<string, Tensor> Weights(string directory) =>
        Distill.Safetensors.SafetensorsFile.Read(Path.Combine(directory, ModelDirectory.WeightsFile));

    /// <summary>Same shape and bit-for-bit equal values (TorchSharp's <c>equal</c> is element-wise).</summary>
    public static bool SameAs(this Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
