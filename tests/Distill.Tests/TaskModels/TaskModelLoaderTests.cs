using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.Tests.TaskModels;

public sealed class TaskModelLoaderTests
{
    private static string SaveBiGru(TemporaryDirectory dir, TaskKind task, bool? lowerCase = null)
    {
        File.WriteAllLines(dir.File("vocab.txt"), [.. TinyTask.Vocabulary, "Movie"]);
        using var model = new BiGruTaskModel(TinyBiGru.Config(task) with { VocabSize = TinyTask.Vocabulary.Length + 1, DoLowerCase = lowerCase });
        var path = dir.File("bigru");
        BiGruDirectory.Save(path, model, dir.File("vocab.txt"));
        return path;
    }

    [Fact]
    public void Load_BiGruDirectory_ABiGruTaskWithItsLabelsAndWidths()
    {
        using var dir = new TemporaryDirectory();

        var (model, labels) = TaskModelLoader.Load(SaveBiGru(dir, TaskKind.Tagging), TaskKind.Tagging);
        using var _ = model;

        Assert.IsType<BiGruTask>(model);
        Assert.Equal(["neg", "pos"], labels);
        Assert.Equal((2, 12, 23), (model.Layers, model.HiddenSize, model.VocabSize));
    }

    [Fact]
    public void Load_BiGruOfAnotherTask_NamesBothTasks()
    {
        using var dir = new TemporaryDirectory();
        var path = SaveBiGru(dir, TaskKind.Tagging);

        var error = Assert.Throws<ConfigException>(() => TaskModelLoader.Load(path, TaskKind.Classification));

        Assert.Equal($"{Path.Combine(path, "config.json")}: the bigru model is a tagging model, the run's task is classification", error.Message);
    }

    [Theory]
    [InlineData(null, 6)]
    [InlineData(false, 22)]
    public void LoadTokenizer_BiGru_FollowsItsDoLowerCase(bool? lowerCase, int expectedId)
    {
        using var dir = new TemporaryDirectory();

        var tokenizer = TaskModelLoader.LoadTokenizer(SaveBiGru(dir, TaskKind.Classification, lowerCase));

        // "Movie" (id 22) is read as such only when the text keeps its case; lower-cased it is "movie" (id 6).
        // Encode adds [CLS] and [SEP], so the word's id is the second.
        Assert.Equal(expectedId, tokenizer.Encode("Movie").Ids[1]);
    }
}
