using System.Text.RegularExpressions;
using Distill.Models;
using Distill.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.Students;

/// <summary>
/// Building blocks for making a student: Hugging Face's random init, and copying weights from a teacher's
/// layers or from any checkpoint. Weight maps may use task-model names (<c>bert.</c> prefix) or encoder names
/// on either side; they are matched without the prefix.
/// </summary>
internal static partial class StudentInit
{
    private const string EncoderPrefix = "bert.";
    private const string WordEmbeddings = "word_embeddings";

    /// <summary>
    /// Hugging Face's <c>BertPreTrainedModel._init_weights</c>: Linear and Embedding weights N(0, initializer_range),
    /// biases 0, the padding row of an embedding 0, LayerNorm weight 1 and bias 0. TorchSharp's defaults
    /// (Kaiming-uniform Linear, N(0, 1) Embedding) would give a student of different scale than one made in
    /// Python. Draws from the global generator, so the caller seeds with <c>manual_seed</c>.
    /// </summary>
    public static void InitializeWeights(nn.Module model, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        using var _ = no_grad();
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    linear.weight!.normal_(0, config.InitializerRange);
                    linear.bias?.zero_();
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0, config.InitializerRange);
                    // TorchSharp's Embedding does not expose padding_idx; in BERT only the word embeddings have one.
                    if (name == WordEmbeddings || name.EndsWith("." + WordEmbeddings, StringComparison.Ordinal))
                    {
                        embedding.weight[config.PadTokenId].zero_();
                    }
                    break;
                case LayerNorm norm:
                    norm.weight?.fill_(KeptScalars.One);
                    norm.bias?.zero_();
                    break;
            }
        }
    }

    /// <summary>A randomly initialized encoder (Hugging Face's init), in train mode.</summary>
    public static BertModel CreateEncoder(BertConfig config, bool addPoolingLayer = true)
    {
        var model = new BertModel(config, addPoolingLayer);
        InitializeWeights(model, config);
        return model;
    }

    /// <summary>A randomly initialized task model (Hugging Face's init), in train mode; <paramref name="numLabels"/> is ignored for QA.</summary>
    public static BertTaskModel CreateTaskModel(BertConfig config, TaskKind kind, int numLabels)
    {
        BertTaskModel model = kind switch
        {
            TaskKind.Classification => new BertForSequenceClassification(config, numLabels),
            TaskKind.Tagging => new BertForTokenClassification(config, numLabels),
            _ => new BertForQuestionAnswering(config),
        };
        InitializeWeights(model, config);
        return model;
    }

    /// <summary>
    /// Student layer i ← teacher layer <paramref name="layers"/>[i] (every <c>encoder.layer.N.*</c> key); every other
    /// student key (embeddings, pooler, task head) ← the teacher's key of the same name. A student key the teacher
    /// lacks keeps its random init. Throws a <see cref="ConfigException"/> when a layer index is out of range, the
    /// student's layer count differs from the list's length, or any shape differs (naming each key).
    /// </summary>
    public static WeightCopy CopyTeacherLayers(nn.Module student, IReadOnlyDictionary<string, Tensor> teacher, IReadOnlyList<int> layers)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(layers);
        var source = Normalize(teacher);
        var teacherLayers = LayerCount(source.Keys);
        var studentLayers = LayerCount(student.state_dict().Keys.Select(Strip));
        CheckLayers(layers, teacherLayers);
        if (studentLayers != layers.Count)
        {
            throw new ConfigException($"the student has {studentLayers} layers but {layers.Count} teacher layers were chosen ([{string.Join(",", layers)}])");
        }

        var problems = new List<string>();
        var result = Copy(student, source, key =>
        {
            var match = LayerKey().Match(key);
            return match.Success ? $"encoder.layer.{layers[int.Parse(match.Groups[1].Value)]}.{match.Groups[2].Value}" : key;
        }, (studentKey, sourceKey, expected, found) =>
            problems.Add($"{studentKey} ← teacher {sourceKey} (student [{string.Join(",", expected)}], teacher [{string.Join(",", found)}])"));
        if (problems.Count > 0)
        {
            throw new ConfigException(
                $"teacher weights do not fit the student: {string.Join("; ", problems)}. Layers can only be copied into a student of the teacher's hidden_size and intermediate_size");
        }
        return result;
    }

    /// <summary>
    /// Copies every key of <paramref name="source"/> whose name (without <c>bert.</c>) and shape match a student key;
    /// the rest of the student keeps its random init. <paramref name="skip"/> excludes source keys by their
    /// prefix-free name (e.g. word embeddings of another vocabulary).
    /// </summary>
    public static WeightCopy CopyMatching(nn.Module student, IReadOnlyDictionary<string, Tensor> source, Func<string, bool>? skip = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(source);
        var normalized = Normalize(source);
        if (skip is not null)
        {
            foreach (var key in normalized.Keys.Where(skip).ToList()) normalized.Remove(key);
        }
        return Copy(student, normalized, key => key, onMisShaped: null);
    }

    /// <summary>Teacher layer indices from text such as <c>0,3</c> or <c>0, 4, 8</c>.</summary>
    public static IReadOnlyList<int> ParseLayers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var layers = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var layer))
            {
                throw new ConfigException($"--layers: \"{part}\" is not a layer index (expected comma-separated numbers such as 0,4,8; found \"{text}\")");
            }
            layers.Add(layer);
        }
        return layers;
    }

    /// <summary>Checks that each index names a teacher layer, at most once.</summary>
    public static void CheckLayers(IReadOnlyList<int> layers, int teacherLayers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ConfigException("--layers: choose at least one teacher layer");
        var outside = layers.Where(l => l < 0 || l >= teacherLayers).ToList();
        if (outside.Count > 0)
        {
            throw new ConfigException(
                $"--layers: {string.Join(", ", outside)} out of range; the teacher has {teacherLayers} layers, so indices must be in [0, {teacherLayers})");
        }
        var repeated = layers.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            throw new ConfigException($"--layers: {string.Join(", ", repeated)} chosen more than once; each teacher layer can seed one student layer");
        }
    }

    private static WeightCopy Copy(nn.Module student, Dictionary<string, Tensor> source, Func<string, string> sourceKeyOf,
        Action<string, string, long[], long[]>? onMisShaped)
    {
        var copied = new List<string>();
        var leftRandom = new List<string>();
        using var _ = no_grad();
        foreach (var (key, target) in student.state_dict())
        {
            var sourceKey = sourceKeyOf(Strip(key));
            if (!source.TryGetValue(sourceKey, out var weight))
            {
                leftRandom.Add(key);
            }
            else if (!weight.shape.SequenceEqual(target.shape))
            {
                onMisShaped?.Invoke(key, sourceKey, target.shape, weight.shape);
                leftRandom.Add(key);
            }
            else
            {
                target.copy_(weight);
                copied.Add(key);
            }
        }
        return new WeightCopy(copied, leftRandom);
    }

    private static Dictionary<string, Tensor> Normalize(IReadOnlyDictionary<string, Tensor> weights) =>
        weights.ToDictionary(kv => Strip(kv.Key), kv => kv.Value);

    private static string Strip(string key) => key.StartsWith(EncoderPrefix, StringComparison.Ordinal) ? key[EncoderPrefix.Length..] : key;

    private static int LayerCount(IEnumerable<string> keys) =>
        keys.Select(k => LayerKey().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value) + 1).DefaultIfEmpty(0).Max();

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.(.+)$")]
    private static partial Regex LayerKey();
}
