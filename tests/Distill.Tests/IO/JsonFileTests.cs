using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Errors;
using Distill.IO;
using Distill.Tests.Support;

namespace Distill.Tests.IO;

public sealed class JsonFileTests
{
    private sealed record Settings([property: JsonPropertyName("steps")] int Steps);

    private static readonly JsonSerializerOptions Strict = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    [Fact]
    public void Read_FieldOfWrongType_ErrorNamesFileAndField()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("s.json");
        File.WriteAllText(path, """{"steps": "ten"}""");

        var error = Assert.Throws<ConfigException>(() => JsonFile.Read<Settings>(path, "settings file", Strict));

        Assert.StartsWith($"{path}: not a valid settings file (field $.steps: ", error.Message);
    }

    [Fact]
    public void Read_NullDocument_UsesTheCallersException()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("s.json");
        File.WriteAllText(path, "null");

        var error = Assert.Throws<InvalidDataException>(() => JsonFile.Read<Settings>(path, "settings file", error: m => new InvalidDataException(m)));

        Assert.Equal($"{path}: not a valid settings file (it holds null)", error.Message);
    }

    [Fact]
    public void Read_ValidFile_ReturnsTheValue()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("s.json");
        File.WriteAllText(path, """{"steps": 10}""");

        Assert.Equal(new Settings(10), JsonFile.Read<Settings>(path, "settings file", Strict));
    }
}
