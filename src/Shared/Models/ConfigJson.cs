using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.IO;
using Distill.Errors;
using Distill.Models.BiGru;

namespace Distill.Models;

/// <summary>How our model configs (<see cref="BertConfig"/>, <see cref="BiGruConfig"/>) are read from and written to <c>config.json</c>.</summary>
internal static class ConfigJson
{
    public static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Parses and validates the file; a malformed or null document is a <see cref="ConfigException"/> naming it.</summary>
    /// <param name="path">the config.json</param>
    /// <param name="validate">the config's own check, given the path to name in its errors</param>
    public static T Load<T>(string path, Action<T, string> validate) where T : class
    {
        var config = JsonFile.Read<T>(path, "config.json");
        validate(config, path);
        return config;
    }

    /// <summary>Validates, then writes the config indented, nulls left out, atomically.</summary>
    public static void Save<T>(string path, T config, Action<T, string> validate)
    {
        validate(config, path);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(config, WriteOptions) + "\n");
    }
}
