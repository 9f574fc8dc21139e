using System.Text.Json;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;
using Distill.Models.Heads;

namespace Distill.Tests.Models;

public sealed class BertConfigTests
{
    [Theory]
    [InlineData("hidden_size", "0", "hidden_size must be positive, found 0")]
    [InlineData("num_attention_heads", "5", "hidden_size (16) must be divisible by num_attention_heads (5)")]
    [InlineData("hidden_act", "\"swish2\"", "hidden_act \"swish2\" is not supported; known: gelu, gelu_new, gelu_pytorch_tanh, relu")]
    [InlineData("layer_norm_eps", "-1", "layer_norm_eps must be positive")]
    [InlineData("hidden_dropout_prob", "1.5", "hidden_dropout_prob must be in [0, 1)")]
    [InlineData("model_type", "\"roberta\"", "model_type must be \"bert\"")]
    public void Load_BadField_ErrorNamesTheFieldAndFile(string field, string value, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("config.json");
        var json = JsonSerializer.SerializeToNode(TinyBert.Config())!.AsObject();
        json[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<ConfigException>(() => BertConfig.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_SeveralBadFields_ListsEach()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, """{"model_type":"bert","vocab_size":-3,"num_hidden_layers":0}""");

        var error = Assert.Throws<ConfigException>(() => BertConfig.Load(path));

        Assert.Contains("vocab_size must be positive, found -3", error.Message);
        Assert.Contains("num_hidden_layers must be positive, found 0", error.Message);
    }

    [Fact]
    public void Load_MalformedJson_SaysSo()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, """{"hidden_size": 12,""");

        var error = Assert.Throws<ConfigException>(() => BertConfig.Load(path));

        Assert.Contains("not a valid config.json", error.Message);
    }

    [Fact]
    public void SaveLoad_KeepsUnknownKeysAndHuggingFaceNames()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, """
            {"model_type":"bert","architectures":["BertForSequenceClassification"],"hidden_size":32,"num_attention_heads":4,
             "num_hidden_layers":2,"intermediate_size":64,"vocab_size":100,"id2label":{"0":"neg","1":"pos"}}
            """);

        BertConfig.Load(path).Save(path);
        var saved = JsonDocument.Parse(File.ReadAllText(path)).RootElement;

        Assert.Equal("BertForSequenceClassification", saved.GetProperty("architectures")[0].GetString());
        Assert.Equal("pos", saved.GetProperty("id2label").GetProperty("1").GetString());
        Assert.Equal(32, saved.GetProperty("hidden_size").GetInt32());
        Assert.Equal(1e-12, saved.GetProperty("layer_norm_eps").GetDouble());
        Assert.False(saved.TryGetProperty("HeadSize", out _));
    }
}
