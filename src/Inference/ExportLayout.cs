using Distill.Tokenization;

namespace Distill.Inference;

/// <summary>
/// The directory <c>export-onnx export --out DIR</c> writes, in the layout that Hugging Face's clients load:
/// transformers.js (<c>pipeline(task, DIR)</c> with <c>env.localModelPath</c>) reads <c>config.json</c>,
/// <c>tokenizer.json</c>, <c>tokenizer_config.json</c> and the model at <c>onnx/model.onnx</c>; Optimum's
/// <c>ORTModelFor…from_pretrained(DIR)</c> finds the one <c>.onnx</c> file under DIR (versions before 1.22 look at
/// DIR's top level only: pass <c>subfolder="onnx"</c>); <see cref="OnnxStudent.Load"/> takes DIR or the model file.
/// </summary>
internal static class ExportLayout
{
    /// <summary>The folder, under the export directory, that holds the model.</summary>
    public const string OnnxFolder = "onnx";

    /// <summary>The model's file name in <see cref="OnnxFolder"/>.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Hugging Face's model config, with the labels (<c>id2label</c>, <c>label2id</c>).</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Every file of an export directory, relative to it, '/'-separated, but its manifest.json (<see cref="ExportManifest"/>), which lists them.</summary>
    public static readonly IReadOnlyList<string> Files =
    [
        ConfigFile, HuggingFaceTokenizerFiles.TokenizerFile, HuggingFaceTokenizerFiles.TokenizerConfigFile,
        HuggingFaceTokenizerFiles.SpecialTokensMapFile, OnnxModelMetadata.VocabFile, $"{OnnxFolder}/{ModelFileName}",
    ];

    /// <summary>The model file in an export directory.</summary>
    public static string ModelPath(string directory) => Path.Combine(directory, OnnxFolder, ModelFileName);

    /// <summary>
    /// Where the model of <paramref name="path"/> lies: an export directory's <c>onnx/model.onnx</c> (or, in a
    /// directory that has none, a flat export's <c>model.onnx</c> at its top), or <paramref name="path"/> itself when it is a file.
    /// </summary>
    public static string ResolveModel(string path)
    {
        if (!Directory.Exists(path)) return path;
        var flat = Path.Combine(path, ModelFileName);
        return !File.Exists(ModelPath(path)) && File.Exists(flat) ? flat : ModelPath(path);
    }

    /// <summary>
    /// The directory that holds the tokenizer and config files of the model at <paramref name="onnxPath"/>: the one
    /// above <c>onnx/</c> in an export directory, otherwise the model's own (a flat export, <c>--out FILE.onnx</c>).
    /// </summary>
    public static string FilesDirectory(string onnxPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(onnxPath))!;
        return Path.GetFileName(directory) == OnnxFolder && !File.Exists(Path.Combine(directory, OnnxModelMetadata.VocabFile))
            ? Path.GetDirectoryName(directory)!
            : directory;
    }
}
