using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.Tests.Models;

public sealed class BiGruDirectoryTests
{
    [Fact]
    public void SaveLoad_RoundTrip_BitEqualWeightsAndConfig()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), TinyTask.Vocabulary);
        using var model = TinyBiGru.Create(task: TaskKind.Tagging);

        BiGruDirectory.Save(dir.File("m"), model, dir.File("vocab.txt"));
        using var loaded = BiGruDirectory.Load(dir.File("m"), ["neg", "pos"]);

        Assert.Equal(model.Config.Labels, loaded.Config.Labels);
        Assert.Equal(model.Config with { Labels = loaded.Config.Labels }, loaded.Config);
        var saved = StateDict.Of(model);
        Assert.All(StateDict.Of(loaded), kv => Assert.True(kv.Value.eq(saved[kv.Key]).all().item<bool>(), kv.Key));
        Assert.Equal(File.ReadAllBytes(dir.File("vocab.txt")), File.ReadAllBytes(dir.File("m", "vocab.txt")));
        Assert.Equal("bigru", ModelDirectory.ModelType(dir.File("m")));
        Assert.False(loaded.training);
    }

    [Fact]
    public void Load_OtherLabels_NamesBoth()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), TinyTask.Vocabulary);
        using var model = TinyBiGru.Create();
        BiGruDirectory.Save(dir.File("m"), model, dir.File("vocab.txt"));

        var error = Assert.Throws<ConfigException>(() => BiGruDirectory.Load(dir.File("m"), ["pos", "neg"]));

        Assert.Equal($"{dir.File("m", "config.json")}: the model was trained with labels [neg, pos], the data has [pos, neg]", error.Message);
    }
}
