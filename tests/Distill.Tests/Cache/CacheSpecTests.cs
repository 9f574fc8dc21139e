using System.Text.Json;
using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class CacheSpecTests
{
    // object: CacheSpec is internal to the product, and a public theory cannot name it.
    public static TheoryData<object, string> BadSpecs => new()
    {
        { CacheFixtures.Tagging() with { Task = "ner" }, "task \"ner\" is not known; known: classification, tagging, qa" },
        { CacheFixtures.Tagging() with { Task = "qa" }, "task \"qa\" needs logit_width 2 (start, end) and token_level_logits true, found 3 and True" },
        { CacheFixtures.Tagging() with { TokenLevelLogits = false }, "task \"tagging\" needs token_level_logits true" },
        { CacheFixtures.Tagging() with { LogitWidth = 0 }, "logit_width must be positive, found 0" },
        { CacheFixtures.Tagging() with { HiddenLayers = [2, 2] }, "hidden_layers must not repeat a layer, found [2, 2]" },
        { CacheFixtures.Tagging() with { AttentionLayers = [-1] }, "attention_layers must not be negative, found [-1]" },
        { CacheFixtures.Tagging() with { HiddenSize = 0 }, "hidden_size must be positive when hidden_layers, projection_layers or pooled are set, found 0" },
        { CacheFixtures.Tagging() with { NumHeads = 0 }, "num_heads must be positive when attention_layers are set, found 0" },
        { CacheFixtures.Tagging() with { TopK = 4 }, "top_k must be in [1, logit_width = 3], found 4" },
        { CacheFixtures.Tagging() with { DType = (CacheDType)7 }, "dtype 7 is not one of fp16, bf16, fp32" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void Validate_BadField_NamesIt(object spec, string expected)
    {
        var error = Assert.Throws<CacheFormatException>(() => ((CacheSpec)spec).Validate("test spec"));

        Assert.StartsWith("test spec: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ToJson_UsesSnakeCaseNamesAndDTypeNames()
    {
        var json = JsonDocument.Parse(CacheFixtures.Tagging(CacheDType.Bf16, topK: 2).ToJson()).RootElement;

        Assert.Equal("tagging", json.GetProperty("task").GetString());
        Assert.Equal(3, json.GetProperty("logit_width").GetInt32());
        Assert.True(json.GetProperty("token_level_logits").GetBoolean());
        Assert.Equal("[0,2]", json.GetProperty("hidden_layers").GetRawText());
        Assert.Equal("bf16", json.GetProperty("dtype").GetString());
        Assert.Equal(2, json.GetProperty("top_k").GetInt32());
    }

    [Fact]
    public void FromJson_AfterToJson_GivesAnEqualSpec()
    {
        var spec = CacheFixtures.Tagging(CacheDType.Fp32, topK: 1);

        var back = CacheSpec.FromJson(spec.ToJson(), "test");

        Assert.Equal(spec.ToJson(), back.ToJson());
        Assert.Equal(CacheDType.Fp32, back.DType);
        Assert.Equal([0, 2], back.HiddenLayers);
    }

    [Fact]
    public void FromJson_WithoutTopK_LeavesItNullAndDefaultsToFp16()
    {
        var spec = CacheSpec.FromJson("""{"task":"classification","logit_width":2}""", "test");

        Assert.Null(spec.TopK);
        Assert.Equal(CacheDType.Fp16, spec.DType);
        Assert.Empty(spec.HiddenLayers);
    }

    [Fact]
    public void FromJson_MissingRequiredField_SaysSo()
    {
        var error = Assert.Throws<CacheFormatException>(() => CacheSpec.FromJson("""{"task":"classification"}""", "shard metadata"));

        Assert.Contains("shard metadata: not a valid cache spec", error.Message);
        Assert.Contains("logit_width", error.Message);
    }

    [Theory]
    [InlineData(true, 7, 7)]
    [InlineData(false, 7, 1)]
    public void Positions_FollowsTokenLevelLogits(bool tokenLevel, int tokens, int expected)
    {
        Assert.Equal(expected, (CacheFixtures.Tagging() with { TokenLevelLogits = tokenLevel }).Positions(tokens));
    }
}
