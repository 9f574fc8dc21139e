using Distill.Models;
using Distill.Onnx;

namespace Distill.Tests.Onnx;

public sealed class OnnxModelMetadataTests
{
    [Fact]
    public void FromProperties_WhatToPropertiesWrote_SameValues()
    {
        var metadata = new OnnxModelMetadata(TaskKind.Tagging, ["O", "B-PER", "I-PER"], LowerCase: false, StripAccents: false, 256, "ab12", "student");

        var read = OnnxModelMetadata.FromProperties(metadata.ToProperties().ToDictionary(), "m.onnx");

        Assert.Equal(["O", "B-PER", "I-PER"], read.Labels);
        Assert.Equal(metadata, read with { Labels = metadata.Labels });
        Assert.Equal("""{"0":"O","1":"B-PER","2":"I-PER"}""", metadata.ToProperties().ToDictionary()["id2label"]);
    }

    [Fact]
    public void FromProperties_Encoder_TaskIsNull()
    {
        var metadata = new OnnxModelMetadata(null, [], true, true, 512, "ab12", "minilm");

        var properties = metadata.ToProperties().ToDictionary();

        Assert.Equal("encoder", properties["task"]);
        Assert.Null(OnnxModelMetadata.FromProperties(properties, "m.onnx").Task);
    }

    [Fact]
    public void FromProperties_MissingAndBadKeys_OneErrorNamingEach()
    {
        var properties = new OnnxModelMetadata(TaskKind.Qa, [], true, true, 384, "ab12", "qa").ToProperties().ToDictionary();
        properties.Remove("source_model_sha256");
        properties["do_lower_case"] = "yes";
        properties["task"] = "ner";

        var error = Assert.Throws<OnnxImportException>(() => OnnxModelMetadata.FromProperties(properties, "m.onnx"));

        Assert.Equal("m.onnx: the model's metadata is not an export of ours (task must be one of classification, tagging, qa, encoder, found \"ner\"; "
            + "do_lower_case must be true or false, found \"yes\"; source_model_sha256 is missing)", error.Message);
    }
}
