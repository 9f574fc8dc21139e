using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Export.Mapping;
using Distill.Export.Quantization;
using Distill.Inference;
using Distill.Models;
using Distill.Tasks;
using Distill.Tokenization;
using Distill.Errors;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.TaskModels;

namespace Distill.Export.Exporting;

/// <summary>
/// The inputs static int8 is calibrated on: examples of a data file of the model's task, tokenized with the model's
/// own vocabulary and settings, in padded batches. By default the file is the one the model was trained on, as the
/// run that wrote it recorded (<c>training_config.json</c> or <c>distill_run.json</c> in the model directory or the
/// directory above it, e.g. <c>OUT/</c> for <c>OUT/best</c>), read at that run's <c>max_seq_length</c>.
/// </summary>
internal static class CalibrationData
{
    public const int DefaultExamples = 300;

    /// <summary>The max_seq_length used when the run recorded none.</summary>
    public const int DefaultMaxSeqLength = 128;

    private const int BatchSize = 16;
    private static readonly string[] RunFiles = ["training_config.json", "distill_run.json"];

    /// <summary>The training run a model directory came from: its data file (a relative one resolved against the
    /// current directory, as the run read it), max_seq_length and the run file that says so; null when no run file is found.</summary>
    public static (string TrainFile, int MaxSeqLength, string Source)? RecordedRun(string modelDirectory)
    {
        var directory = Path.GetFullPath(modelDirectory);
        foreach (var candidate in new[] { directory, Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) })
        {
            if (candidate is null) continue;
            foreach (var name in RunFiles)
            {
                var path = Path.Combine(candidate, name);
                if (!File.Exists(path)) continue;
                var root = JsonNode.Parse(File.ReadAllText(path));
                // distill_run.json nests the training config under "training".
                var training = root?["training"] ?? root;
                if (training?["train_file"]?.GetValue<string>() is { Length: > 0 } train)
                {
                    return (Path.GetFullPath(train), training["max_seq_length"]?.GetValue<int>() ?? DefaultMaxSeqLength, path);
                }
            }
        }
        return null;
    }

    /// <param name="modelDirectory">the model being exported (its config.json and vocab.txt)</param>
    /// <param name="dataPath">a data file of the model's task; null: the recorded training data</param>
    /// <param name="examples">how many examples, spread evenly over the file</param>
    /// <param name="log">gets one line saying what was read</param>
    public static IReadOnlyList<CalibrationBatch> Load(string modelDirectory, string? dataPath, int examples, Action<string> log)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(examples);
        var run = RecordedRun(modelDirectory);
        var path = dataPath ?? run?.TrainFile
            ?? throw new ConfigException($"{modelDirectory}: static int8 needs calibration data and no training run is recorded beside the model (expected training_config.json or distill_run.json with a train_file in it or in the directory above); pass --calibration FILE (e.g. the training data) or use --int8-mode dynamic");
        if (dataPath is null && !File.Exists(path))
        {
            throw new ConfigException($"{run!.Value.Source}: train_file {path} does not exist (expected the training data to calibrate static int8 on); pass --calibration FILE");
        }
        var maxSeqLength = run?.MaxSeqLength ?? DefaultMaxSeqLength;

        var (kind, tokenizer) = TaskAndTokenizer(modelDirectory);
        var data = TaskDataLoader.Load(kind ?? TaskKind.Classification, path, tokenizer, labels: null,
            new TaskDataSettings(maxSeqLength, new DataReadOptions()));
        return Batches(data.Features.Select(f => f.Text).ToList(), examples, tokenizer.PadId, path, $"max_seq_length {maxSeqLength}", log);
    }

    /// <summary>Calibration batches for an exported ONNX file, tokenized as <see cref="OnnxStudent"/> tokenizes its
    /// inputs (vocab.txt beside it, settings and max length from its metadata).</summary>
    public static IReadOnlyList<CalibrationBatch> ForOnnx(string onnxPath, string dataPath, int examples, Action<string> log)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(examples);
        using var student = OnnxStudent.Load(onnxPath, new OnnxStudentOptions { Log = _ => { } });
        var data = student.LoadData(dataPath);
        return Batches(data.Features.Select(f => f.Text).ToList(), examples, student.Tokenizer.PadId, dataPath, $"max length {student.Metadata.MaxSeqLength}", log);
    }

    private static IReadOnlyList<CalibrationBatch> Batches(IReadOnlyList<TokenizedText> all, int examples, int padId, string path, string length, Action<string> log)
    {
        var texts = Spread(all, examples);
        if (texts.Count == 0) throw new DataFormatException(path, "", "no examples to calibrate on (expected at least one)");
        log($"int8 calibration on {texts.Count} examples of {path} ({length})");
        return texts.Chunk(BatchSize).Select(chunk => Batch(PaddedTokens.Pad(chunk, padId))).ToList();
    }

    /// <summary><paramref name="count"/> items at even strides over the list (all of them when it is shorter), so that a file sorted by label or length is still covered whole.</summary>
    public static IReadOnlyList<T> Spread<T>(IReadOnlyList<T> items, int count)
    {
        if (items.Count <= count) return items;
        return Enumerable.Range(0, count).Select(i => items[(int)((long)i * items.Count / count)]).ToList();
    }

    public static CalibrationBatch Batch(PaddedTokens batch) => new(
        new Dictionary<string, long[]>
        {
            [OutputNames.InputIds] = batch.Ids,
            [OutputNames.AttentionMask] = batch.Mask,
            [OutputNames.TokenTypeIds] = batch.Types,
        },
        [batch.Size, batch.Length], batch.Mask);

    private static (TaskKind? Kind, WordPieceEncoder Tokenizer) TaskAndTokenizer(string directory)
    {
        var configPath = ModelDirectory.RequireFile(directory, ModelDirectory.ConfigFile);
        var type = ComponentRegistry.ModelType(ModelDirectory.ModelType(directory), configPath);
        if (type.Name != ModelDirectory.DefaultModelType)
        {
            // Any other registered type knows its task once loaded, and reads text with its own tokenizer.
            using var model = type.Load(directory, null, null);
            return (model.Kind, TaskModelLoader.LoadTokenizer(directory));
        }
        var config = BertConfig.Load(configPath);
        return (config.Architectures?.Select(LoadedModel.KindOf).FirstOrDefault(k => k is not null), ModelDirectory.LoadTokenizer(directory, config));
    }
}
