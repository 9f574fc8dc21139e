using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.Tests.Support;

/// <summary>A tiny BiGRU task model over <see cref="TinyTask"/>'s vocabulary, initialised from a seed.</summary>
internal static class TinyBiGru
{
    public static BiGruConfig Config(TaskKind task = TaskKind.Classification, int layers = 2) => new()
    {
        Task = task, VocabSize = TinyTask.Vocabulary.Length, EmbeddingSize = 8, HiddenSize = 6, NumLayers = layers, Labels = ["neg", "pos"],
    };

    public static BiGruTaskModel Create(int seed = 3, TaskKind task = TaskKind.Classification, int layers = 2)
    {
        TestAssets.EnsureTorch();
        manual_seed(seed);
        var model = new BiGruTaskModel(Config(task, layers));
        model.eval();
        return model;
    }
}
