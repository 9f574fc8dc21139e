using Distill.Models;
using Distill.Safetensors;
using Distill.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class StateDictFileTests
{
    [Fact]
    public void Load_OnlyPrefixed_LoadsThatModulesKeysStripped()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("extra.safetensors");
        using var a = ones(2, 3);
        using var b = full(2, 2f);
        using var other = zeros(5);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["proj.weight"] = a, ["proj.bias"] = b, ["other.weight"] = other });
        using var linear = nn.Linear(3, 2);

        StateDictFile.Load(linear, path, "proj.", onlyPrefixed: true);

        Assert.Equal(6.0, linear.weight!.sum().item<float>(), 6);
        Assert.Equal(4.0, linear.bias!.sum().item<float>(), 6);
    }

    [Fact]
    public void Load_KeyMissing_ErrorNamesFileAndKey()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("w.safetensors");
        using var a = ones(2, 3);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["weight"] = a });
        using var linear = nn.Linear(3, 2);

        var error = Assert.Throws<ModelLoadException>(() => StateDictFile.Load(linear, path));

        Assert.Contains(path, error.Message);
        Assert.Contains("missing keys: bias", error.Message);
    }

    [Fact]
    public void Read_DisposesEveryTensorAfterUse_AddedOnesToo()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("w.safetensors");
        using var a = ones(2, 3);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["weight"] = a });
        var seen = new List<Tensor>();

        var sum = StateDictFile.Read(path, weights =>
        {
            weights["added"] = zeros(1);
            seen.AddRange(weights.Values);
            return weights["weight"].sum().item<float>();
        });

        Assert.Equal(6f, sum);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, t => Assert.True(t.IsInvalid));
    }
}
