using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Models;
using Distill.Safetensors;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Bert;
using Distill.Models.BiGru;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.Students;

/// <summary>
/// Makes a student from a teacher directory and writes it as a Hugging Face model directory. The student mirrors
/// its teacher's structure: a task teacher gives a task student with the same head kind and labels (a classifier
/// always with a pooler, as transformers has); a plain encoder gives a plain encoder, with a pooler if the teacher has one. The student's config.json records its origin under <see cref="OriginKey"/>.
/// </summary>
internal static class StudentBuilder
{
    /// <summary>The config.json key recording what a student was made from.</summary>
    public const string OriginKey = "distill_student_init";

    private static readonly string[] HeadPrefixes = ["classifier.", "qa_outputs."];

    private static readonly JsonSerializerOptions OriginJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// Builds the student and writes config.json, model.safetensors and its vocab.txt (the teacher's or its own) into
    /// <see cref="StudentRequest.Output"/>. Everything is written into a temporary sibling directory that is renamed
    /// at the end, so a failure never leaves a partial student.
    /// </summary>
    public static StudentReport Write(StudentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var output = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.Output));
        if (System.IO.Directory.Exists(output) && System.IO.Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new ConfigException($"--out {output} already exists and is not empty; choose a new directory or remove it");
        }
        if (request.Arch == BiGruConfig.Type) return BiGruStudent.Write(request, output);

        using var teacher = TeacherCheckpoint.Load(request.Teacher);
        var vocabulary = request.Vocab is { } file ? StudentVocabulary.Load(file) : null;
        var (config, origin) = StudentConfig(request, teacher, vocabulary?.Tokens.Count ?? teacher.Config.VocabSize);
        if (vocabulary is not null) config = config with { VocabSize = vocabulary.Tokens.Count, PadTokenId = vocabulary.PadId };
        config = config with { Extra = WithOrigin(config.Extra, request, teacher) };
        var vocabPath = vocabulary?.Path ?? teacher.VocabPath;

        manual_seed(request.Seed);
        using nn.Module student = teacher.Kind is { } kind
            ? StudentInit.CreateTaskModel(config, kind, teacher.Labels.Count)
            : StudentInit.CreateEncoder(config, teacher.HasPooler);
        var weights = CopyWeights(request, teacher, student, vocabPath);
        var ownVocabulary = vocabulary is null ? null : new VocabularyCopy(vocabulary.Path, vocabulary.Tokens.Count,
            weights.LeftRandom.Any(IsWordEmbeddings) ? vocabulary.CopyTeacherRows(student, teacher.Weights, File.ReadAllLines(teacher.VocabPath)) : 0);
        // Word embeddings with teacher rows count as copied; the report's vocabulary line says how many rows.
        if (ownVocabulary is { RowsCopied: > 0 })
        {
            weights = new WeightCopy([.. weights.Copied, .. weights.LeftRandom.Where(IsWordEmbeddings)], weights.LeftRandom.Where(k => !IsWordEmbeddings(k)).ToList());
        }

        WriteWhole(output, directory =>
        {
            if (student is BertTaskModel task)
            {
                TaskModelDirectory.Save(directory, task, teacher.Labels, vocabPath);
            }
            else
            {
                ModelDirectory.Save(directory, (BertModel)student, vocabPath);
            }
        });

        return new StudentReport(
            output, origin, $"{config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads, FFN {config.IntermediateSize}", teacher.Kind, teacher.Labels, weights,
            student.parameters().Sum(p => p.numel()), teacher.Parameters,
            new FileInfo(Path.Combine(output, ModelDirectory.WeightsFile)).Length, ownVocabulary);
    }

    /// <summary>Lets <paramref name="write"/> fill a temporary sibling of <paramref name="output"/> and renames it into place.</summary>
    internal static void WriteWhole(string output, Action<string> write)
    {
        var temporary = $"{output}.tmp-{Environment.ProcessId}";
        if (System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
        try
        {
            write(temporary);
            if (System.IO.Directory.Exists(output)) System.IO.Directory.Delete(output);
            System.IO.Directory.Move(temporary, output);
        }
        finally
        {
            if (System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
        }
    }

    private static (BertConfig Config, string Origin) StudentConfig(StudentRequest request, TeacherCheckpoint teacher, int vocabSize)
    {
        var t = teacher.Config;
        if (request.Preset is { } preset)
        {
            var shape = StudentPresets.Get(preset);
            return (StudentPresets.Apply(shape, t), $"preset {shape.Name}, random init (seed {request.Seed})");
        }
        if (request.Layers is { } layers)
        {
            StudentInit.CheckLayers(layers, t.NumHiddenLayers);
            if (request.Hidden is { } hidden && hidden != t.HiddenSize)
            {
                throw new ConfigException(
                    $"--hidden {hidden} differs from the teacher's hidden_size {t.HiddenSize}: teacher layers can only be copied into a student of the same width; for a random student of another width use --preset or --config");
            }
            return (t with { NumHiddenLayers = layers.Count }, $"teacher layers [{string.Join(",", layers)}]");
        }
        if (request.ConfigFile is { } file)
        {
            var loaded = BertConfig.Load(file);
            if (loaded.VocabSize != vocabSize)
            {
                throw new ConfigException(request.Vocab is null
                    ? $"{file}: vocab_size {loaded.VocabSize} differs from the teacher's {t.VocabSize}; the student shares the teacher's vocab.txt"
                    : $"{file}: vocab_size {loaded.VocabSize} differs from the {vocabSize} tokens of --vocab {request.Vocab}");
            }
            return (Inputs(loaded, t), $"config {Path.GetFullPath(file)}, random init (seed {request.Seed})");
        }
        var from = BertConfig.Load(Path.Combine(request.From!, ModelDirectory.ConfigFile));
        return (Inputs(from, t) with { VocabSize = t.VocabSize }, $"matching weights of {Path.GetFullPath(request.From!)}");
    }

    // Tokenization settings are the teacher's (an own vocabulary is made of teacher pieces); labels and
    // architectures come from the teacher when the student is saved.
    private static BertConfig Inputs(BertConfig config, BertConfig teacher) => config with
    {
        DoLowerCase = teacher.DoLowerCase,
        PadTokenId = teacher.PadTokenId,
        Architectures = null,
        Id2Label = null,
        Label2Id = null,
    };

    private static bool IsWordEmbeddings(string key) => key.EndsWith(StudentVocabulary.WordEmbeddingsKey, StringComparison.Ordinal);

    // With an own vocabulary the teacher's word embeddings do not fit by shape; their rows are copied by token afterwards.
    private static WeightCopy CopyWeights(StudentRequest request, TeacherCheckpoint teacher, nn.Module student, string vocabPath)
    {
        if (request.Layers is { } layers)
        {
            var source = request.Vocab is null ? teacher.Weights : teacher.Weights.Where(kv => !IsWordEmbeddings(kv.Key)).ToDictionary();
            return StudentInit.CopyTeacherLayers(student, source, layers);
        }
        if (request.From is not { } from) return WeightCopy.None(student.state_dict().Keys);

        var fromConfig = BertConfig.Load(Path.Combine(from, ModelDirectory.ConfigFile));
        return StateDictFile.Read(Path.Combine(from, ModelDirectory.WeightsFile), weights =>
        {
            var sameVocabulary = SameVocabulary(Path.Combine(from, ModelDirectory.VocabFile), vocabPath);
            var headFits = HeadFits(fromConfig, student, teacher.Labels);
            return StudentInit.CopyMatching(student, weights, key =>
                (!sameVocabulary && key == "embeddings.word_embeddings.weight")
                || (!headFits && HeadPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal))));
        });
    }

    // Rows of word embeddings mean tokens; another vocabulary of the same size would copy silently wrong rows.
    // Without a vocab.txt beside the weights there is nothing to compare, and the shape check decides.
    private static bool SameVocabulary(string fromVocab, string teacherVocab) =>
        !File.Exists(fromVocab) || File.ReadAllBytes(fromVocab).AsSpan().SequenceEqual(File.ReadAllBytes(teacherVocab));

    // A head's rows mean labels, so a head is copied only from a checkpoint of the same architecture and labels.
    private static bool HeadFits(BertConfig from, nn.Module student, IReadOnlyList<string> labels)
    {
        if (student is not BertTaskModel task || from.Architectures?.FirstOrDefault() != task.Architecture) return false;
        if (task.Kind == TaskKind.Qa) return true;
        return from.Id2Label is { } map && map.Count == labels.Count
            && labels.Select((label, id) => map.TryGetValue(id.ToString(System.Globalization.CultureInfo.InvariantCulture), out var l) && l == label).All(b => b);
    }

    internal static Dictionary<string, JsonElement> WithOrigin(Dictionary<string, JsonElement>? extra, StudentRequest request, TeacherCheckpoint teacher)
    {
        var result = extra is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement>(extra);
        var origin = new Origin(
            teacher.Directory,
            request.Preset is null ? null : StudentPresets.Get(request.Preset).Name,
            request.Layers,
            request.ConfigFile is null ? null : Path.GetFullPath(request.ConfigFile),
            request.From is null ? null : Path.GetFullPath(request.From),
            request.Vocab is null ? null : Path.GetFullPath(request.Vocab),
            request.Seed,
            request.Arch == BiGruConfig.Type ? request.Arch : null);
        result[OriginKey] = JsonSerializer.SerializeToElement(origin, OriginJson);
        return result;
    }

    private sealed record Origin(
        [property: JsonPropertyName("teacher")] string Teacher,
        [property: JsonPropertyName("preset")] string? Preset,
        [property: JsonPropertyName("layers")] IReadOnlyList<int>? Layers,
        [property: JsonPropertyName("config")] string? Config,
        [property: JsonPropertyName("from")] string? From,
        [property: JsonPropertyName("vocab")] string? Vocab,
        [property: JsonPropertyName("seed")] int Seed,
        [property: JsonPropertyName("arch")] string? Arch);
}
