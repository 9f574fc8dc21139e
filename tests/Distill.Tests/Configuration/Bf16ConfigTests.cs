using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;

namespace Distill.Tests.Configuration;

public sealed class Bf16ConfigTests
{
    private const string Mixed = "bf16 mixed precision (matmuls in bf16; weights, optimizer state, LayerNorm, softmax and losses in fp32)";

    private static TrainingConfig Parse(string json) => JsonSerializer.Deserialize<TrainingConfig>(json)!;

    [Fact]
    public void Absent_Float32NoNoteAndNotWritten()
    {
        var config = Parse("{}");

        Assert.False(config.UsesBf16);
        Assert.Empty(config.Notes());
        // Run files written before the key existed compare equal to a rerun's.
        Assert.DoesNotContain("bf16", config.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bf16True_MixedPrecisionWithOneNote()
    {
        var config = Parse("""{"bf16": true}""");

        Assert.True(config.UsesBf16);
        Assert.Equal([$"note: bf16: true: the student trains in {Mixed}"], config.Notes());
        Assert.Contains("\"bf16\": true", config.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"fp16": true}""", true, "note: fp16: true: Apex fp16 runs on GPUs only; on the CPU training runs in " + Mixed + " instead, as with \"bf16\": true")]
    [InlineData("""{"fp16": true, "fp16_opt_level": "O1"}""", true, "note: fp16: true (fp16_opt_level O1): Apex fp16 runs on GPUs only; on the CPU training runs in " + Mixed + " instead, as with \"bf16\": true")]
    [InlineData("""{"fp16": true, "fp16_opt_level": "O3"}""", true, "note: fp16: true (fp16_opt_level O3): Apex fp16 runs on GPUs only; on the CPU training runs in " + Mixed + " instead, as with \"bf16\": true (O3's fp16 weights are not copied)")]
    [InlineData("""{"fp16": true, "fp16_opt_level": "O0"}""", false, "note: fp16: true (fp16_opt_level O0): O0 is fp32 in Apex; training runs in fp32")]
    [InlineData("""{"fp16": true, "bf16": false}""", false, "note: fp16: true: Apex fp16 runs on GPUs only; bf16: false decides: training runs in fp32")]
    [InlineData("""{"fp16": true, "fp16_opt_level": "O0", "bf16": true}""", true, "note: fp16: true (fp16_opt_level O0): Apex fp16 runs on GPUs only; bf16: true decides: training runs in " + Mixed)]
    public void Fp16_MapsToBf16OnTheCpu_OneLineSayingWhat(string json, bool bf16, string note)
    {
        var config = Parse(json);

        Assert.Equal(bf16, config.UsesBf16);
        Assert.Equal([note], config.Notes());
    }

    [Fact]
    public void Fp16False_Float32Quietly()
    {
        var config = Parse("""{"fp16": false, "fp16_opt_level": "O2"}""");

        Assert.False(config.UsesBf16);
        Assert.Empty(config.Notes());
    }

    [Fact]
    public void Load_Bf16NotABoolean_NamesFileAndField()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("training.json");
        File.WriteAllText(path, """{"bf16": "yes"}""");

        var error = Assert.Throws<ConfigException>(() => TrainingConfig.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("$.bf16", error.Message, StringComparison.Ordinal);
    }
}
