using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Models;

public sealed class ParameterTreeTests
{
    [Fact]
    public void Summarize_TinyModel_CountsMatchHandComputation()
    {
        using var model = TinyBert.Create();

        var rows = ParameterTree.Summarize(model, maxLevel: 3).ToDictionary(r => r.Path);

        // H=16, I=24, V=50, P=32, types=2.
        const long embeddings = 50 * 16 + 32 * 16 + 2 * 16 + 2 * 16;
        const long attention = 3 * (16 * 16 + 16) + (16 * 16 + 16) + 2 * 16;
        const long feedForward = (16 * 24 + 24) + (24 * 16 + 16) + 2 * 16;
        const long pooler = 16 * 16 + 16;
        const long total = embeddings + 2 * (attention + feedForward) + pooler;
        Assert.Equal(total, rows["(total)"].Count);
        Assert.Equal(embeddings, rows["embeddings"].Count);
        Assert.Equal(attention + feedForward, rows["encoder.layer.0"].Count);
        Assert.Equal(pooler, rows["pooler"].Count);
        Assert.Equal(50 * 16, rows["embeddings.word_embeddings"].Count);
        Assert.Equal((double)embeddings / total, rows["embeddings"].Share, 12);
        Assert.Equal(total * 4 / 1e6, rows["(total)"].Megabytes, 9);
        Assert.DoesNotContain(rows.Keys, k => k.Split('.').Length > 3);
    }

    [Fact]
    public void Summarize_LevelOne_ListsTopModulesInOrder()
    {
        using var model = TinyBert.Create();

        var paths = ParameterTree.Summarize(model, maxLevel: 1).Select(r => r.Path);

        Assert.Equal(["(total)", "embeddings", "encoder", "pooler"], paths);
    }
}
