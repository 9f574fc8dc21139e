using System.Text.Json;
using Distill.Errors;

namespace Distill.IO;

/// <summary>
/// The one way our JSON files (model configs, run files, training and distillation configs, cache manifests) are
/// read: a malformed document, a field of the wrong type or an unknown field (where the options disallow them) and
/// a document holding null all fail with one error naming the file and the field.
/// </summary>
internal static class JsonFile
{
    /// <summary>Reads <paramref name="path"/> as a <typeparamref name="T"/>.</summary>
    /// <param name="path">the JSON file</param>
    /// <param name="what">what the file should be, for the message: "not a valid <paramref name="what"/>"</param>
    /// <param name="options">serializer options (null: the defaults)</param>
    /// <param name="error">the exception for a message (null: <see cref="ConfigException"/>)</param>
    public static T Read<T>(string path, string what, JsonSerializerOptions? options = null, Func<string, Exception>? error = null) where T : class
    {
        error ??= message => new ConfigException(message);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(File.ReadAllText(path), options);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $"field {e.Path}: ";
            throw error($"{path}: not a valid {what} ({field}{e.Message})");
        }
        return value ?? throw error($"{path}: not a valid {what} (it holds null)");
    }
}
