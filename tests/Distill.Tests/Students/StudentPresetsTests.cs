using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Errors;

namespace Distill.Tests.Students;

public sealed class StudentPresetsTests
{
    [Theory]
    [InlineData("T6", 6, 768, 12, 3072)]
    [InlineData("T3", 3, 768, 12, 3072)]
    [InlineData("T3-small", 3, 384, 12, 1536)]
    [InlineData("T4-tiny", 4, 312, 12, 1200)]
    [InlineData("T12-nano", 12, 256, 4, 1024)]
    public void Apply_EachPreset_HasTextBrewersShape(string name, int layers, int hidden, int heads, int ffn)
    {
        var config = StudentPresets.Apply(name, new BertConfig());

        Assert.Equal((layers, hidden, heads, ffn), (config.NumHiddenLayers, config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize));
        config.Validate();
    }

    [Fact]
    public void Names_ListsEveryPresetOnce() =>
        Assert.Equal(["T6", "T3", "T3-small", "T4-tiny", "T12-nano"], StudentPresets.Names);

    [Fact]
    public void Apply_KeepsTheTeachersInputSettings()
    {
        var teacher = new BertConfig
        {
            VocabSize = 21128, MaxPositionEmbeddings = 256, TypeVocabSize = 3, HiddenAct = "relu", LayerNormEps = 1e-5,
            PadTokenId = 7, DoLowerCase = false, HiddenSize = 1024, NumHiddenLayers = 24, NumAttentionHeads = 16, IntermediateSize = 4096,
            Id2Label = new Dictionary<string, string> { ["0"] = "a", ["1"] = "b" },
        };

        var student = StudentPresets.Apply("t4-TINY", teacher);

        Assert.Equal((21128, 256, 3, "relu", 1e-5, 7, (bool?)false),
            (student.VocabSize, student.MaxPositionEmbeddings, student.TypeVocabSize, student.HiddenAct, student.LayerNormEps, student.PadTokenId, student.DoLowerCase));
        Assert.Equal((4, 312), (student.NumHiddenLayers, student.HiddenSize));
        Assert.Null(student.Id2Label);
    }

    [Fact]
    public void Get_UnknownName_ThrowsListingKnownNames()
    {
        var error = Assert.Throws<ConfigException>(() => StudentPresets.Get("T5"));

        Assert.Contains("\"T5\"", error.Message);
        Assert.Contains("known: T6, T3, T3-small, T4-tiny, T12-nano", error.Message);
    }
}
