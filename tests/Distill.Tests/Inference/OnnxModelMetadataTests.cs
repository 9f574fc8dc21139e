using Distill.Inference;
using Distill.Models;
using Distill.Tasks;

namespace Distill.Tests.Inference;

public sealed class OnnxModelMetadataTests
{
    [Theory]
    [InlineData(TaskKind.Classification, new[] { "neg", "pos" }, true, null, 128)]
    [InlineData(TaskKind.Tagging, new[] { "O", "B-PER", "I-PER" }, false, false, 256)]
    [InlineData(TaskKind.Qa, new string[0], true, true, 384)]
    public void FromProperties_WhatToPropertiesWrote_GivesTheSameMetadata(TaskKind task, string[] labels, bool lowerCase, bool? stripAccents, int maxLength)
    {
        var metadata = new OnnxModelMetadata(task, labels, lowerCase, stripAccents, maxLength);

        var read = OnnxModelMetadata.FromProperties(metadata.ToProperties(), "m.onnx");

        Assert.Equal((metadata.Task, metadata.LowerCase, metadata.StripAccents, metadata.MaxSeqLength), (read.Task, read.LowerCase, read.StripAccents, read.MaxSeqLength));
        Assert.Equal(labels, read.Labels);
    }

    [Fact]
    public void FromProperties_EncoderWithSource_TaskIsNullAndSourceKept()
    {
        var metadata = new OnnxModelMetadata(null, [], true, true, 512, "ab12", "minilm");

        var properties = metadata.ToProperties();
        var read = OnnxModelMetadata.FromProperties(properties, "m.onnx");

        Assert.Equal("encoder", properties["task"]);
        Assert.Equal(metadata, read with { Labels = metadata.Labels });
        Assert.Empty(read.Labels);
    }

    [Fact]
    public void ToProperties_Labels_WritesId2LabelAsHuggingFaceDoes()
    {
        var properties = new OnnxModelMetadata(TaskKind.Classification, ["neg", "pos"], true, null, 128).ToProperties();

        Assert.Equal("{\"0\":\"neg\",\"1\":\"pos\"}", properties["id2label"]);
        Assert.Equal("classification", properties["task"]);
        Assert.False(properties.ContainsKey("strip_accents"));
    }

    [Fact]
    public void FromProperties_OnlyTaskAndLabels_TakesTheDocumentedDefaults()
    {
        var read = OnnxModelMetadata.FromProperties(new Dictionary<string, string> { ["task"] = "tagging", ["id2label"] = "{\"1\": \"B-X\", \"0\": \"O\"}" }, "m.onnx");

        Assert.Equal(["O", "B-X"], read.Labels);
        Assert.Equal((true, (bool?)null, OnnxModelMetadata.DefaultMaxSeqLength), (read.LowerCase, read.StripAccents, read.MaxSeqLength));
    }

    [Theory]
    [InlineData("task", "ner", "m.onnx: metadata \"task\": expected one of classification, tagging, qa, encoder, found \"ner\"")]
    [InlineData("id2label", "{\"0\": \"neg\", \"2\": \"pos\"}", "m.onnx: metadata \"id2label\": expected a JSON object from index to label")]
    [InlineData("id2label", "[\"neg\", \"pos\"]", "m.onnx: metadata \"id2label\": expected a JSON object from index to label")]
    [InlineData("max_seq_length", "-5", "m.onnx: metadata \"max_seq_length\": expected an integer of at least 3, found \"-5\"")]
    [InlineData("do_lower_case", "yes", "m.onnx: metadata \"do_lower_case\": expected true or false, found \"yes\"")]
    public void FromProperties_BadEntry_NamesKeyExpectedAndFound(string key, string value, string message)
    {
        var properties = new Dictionary<string, string> { ["task"] = "classification", ["id2label"] = "{\"0\": \"neg\", \"1\": \"pos\"}", [key] = value };

        var error = Assert.Throws<OnnxModelException>(() => OnnxModelMetadata.FromProperties(properties, "m.onnx"));

        Assert.StartsWith(message, error.Message);
    }
}
