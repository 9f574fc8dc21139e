using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Tasks;
using Distill.IO;

namespace Distill.Cache;

/// <summary>
/// What a manifest records to tie a cache to the teacher and the data it came from. One definition for the
/// stage that writes caches and the stage that reads them, so that both compute the same identities.
/// </summary>
internal static class CacheIdentity
{
    /// <summary>The identity of a TorchSharp teacher: a hash of its config, weights and vocabulary.</summary>
    public static string TorchTeacher(string modelDir) => CacheManifest.HashFiles(
        new[] { ModelFiles.ConfigFile, ModelFiles.WeightsFile, ModelFiles.VocabFile }.Select(f => Path.Combine(modelDir, f)), "torch");

    /// <summary>
    /// The identity of an ONNX teacher: a hash of the graph, its config.json and vocabulary, and the settings
    /// that shape what is cached from it (output mapping, casing), which the manifest records beside it.
    /// </summary>
    public static string OnnxTeacher(string onnx, string config, string vocab, JsonObject settings) =>
        CacheManifest.HashFiles([onnx, config, vocab], settings.ToJsonString());

    /// <summary>
    /// Whether <paramref name="model"/> is the teacher a cache records: a TorchSharp model directory, or an ONNX
    /// file with its config.json and vocab.txt beside it (as Optimum exports them).
    /// </summary>
    public static bool IsTeacher(string model, CacheTeacherInfo recorded)
    {
        if (Directory.Exists(model)) return TorchTeacher(model) == recorded.Identity;
        if (recorded.OnnxSettings is null) return false;
        var beside = Path.GetDirectoryName(Path.GetFullPath(model))!;
        return OnnxTeacher(model, Path.Combine(beside, ModelFiles.ConfigFile), Path.Combine(beside, ModelFiles.VocabFile), recorded.OnnxSettings) == recorded.Identity;
    }

    /// <summary>
    /// The identity of a data set as read: a hash of the file's bytes and the reader settings, which include the
    /// file's name (not its folder) because example ids default to <c>name:line</c>: a renamed file gives other ids.
    /// </summary>
    public static string Data(string dataFile, TaskDataSettings settings) =>
        CacheManifest.HashFiles([dataFile], ReaderSettings(dataFile, settings).ToJsonString());

    /// <summary>The reader settings as the manifest records them; <see cref="DataSettingsFrom"/> reads them back.</summary>
    public static JsonObject ReaderSettings(string dataFile, TaskDataSettings settings) => new()
    {
        ["file"] = Path.GetFileName(dataFile),
        ["max_seq_length"] = settings.MaxSeqLength,
        ["doc_stride"] = settings.DocStride,
        ["max_query_length"] = settings.MaxQueryLength,
        ["text_column"] = settings.ReadOptions.TextColumn,
        ["text_b_column"] = settings.ReadOptions.TextBColumn,
        ["label_column"] = settings.ReadOptions.LabelColumn,
        ["skip_bad"] = settings.ReadOptions.SkipBad,
    };

    /// <summary>The settings of a manifest's <c>data.reader_settings</c>; a field missing or of another JSON type is a <see cref="CacheFormatException"/>.</summary>
    public static TaskDataSettings DataSettingsFrom(JsonObject settings)
    {
        T Field<T>(string name) => settings[name] is JsonValue value && value.TryGetValue<T>(out var read)
            ? read
            : throw new CacheFormatException($"manifest data.reader_settings.{name}: expected {(typeof(T) == typeof(int) ? "an integer" : typeof(T) == typeof(bool) ? "a boolean" : "a string")}, found {settings[name]?.ToJsonString() ?? "nothing"}");
        return new(
            Field<int>("max_seq_length"),
            new DataReadOptions
            {
                TextColumn = Field<string>("text_column"),
                TextBColumn = Field<string>("text_b_column"),
                LabelColumn = Field<string>("label_column"),
                SkipBad = Field<bool>("skip_bad"),
            },
            Field<int>("doc_stride"),
            Field<int>("max_query_length"));
    }
}
