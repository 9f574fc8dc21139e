using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Distill.Tasks;
using Distill.Errors;
using Distill.DistillStudent.Configuration;
using Distill.Models;

namespace Distill.DistillStudent.Recipes;

/// <summary>
/// The recommended recipe as a file (<c>pipelines/recipe.json</c>; <c>distill-student recipe</c> reads it):
/// the student's default depth, the training settings, and the distillation config whose matches may name their
/// layers by rule instead of by number, so that one file serves any teacher depth and student shape. A match with
/// <c>"layers": "uniform"</c> stands for one match per student hidden state s = 0 … N against teacher hidden state
/// ⌊s·L / N⌋ (the student copies teacher layers ⌊s·L / N⌋, s &lt; N, so these line up); <c>"layers": "last"</c> pairs
/// the last layers (hidden N ↔ L; attention, query, key, value N − 1 ↔ L − 1). A hidden match between sides of
/// different widths gets a linear projection.
/// </summary>
internal sealed record RecipeConfig
{
    /// <summary>Layer rules a match may give in place of layer_T and layer_S.</summary>
    public static IReadOnlyList<string> LayerRules { get; } = ["uniform", "last"];

    [JsonPropertyName("student_layers")] public int StudentLayers { get; init; } = 2;

    [JsonPropertyName("training")] public TrainingConfig Training { get; init; } = new();

    [JsonPropertyName("distillation")] public JsonObject Distillation { get; init; } = [];

    /// <summary>Distil on the training data and neighbour-replaced copies of it; null: on the training data alone.</summary>
    [JsonPropertyName("augment")] public RecipeAugmentation? Augment { get; init; }

    private static readonly JsonSerializerOptions Options = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static RecipeConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"the recipe {path} does not exist");
        try
        {
            var recipe = JsonSerializer.Deserialize<RecipeConfig>(File.ReadAllText(path), Options) ?? throw new ConfigException($"{path}: the recipe is null");
            if (recipe.StudentLayers < 1) throw new ConfigException($"{path}: student_layers must be at least 1, found {recipe.StudentLayers}");
            if (recipe.Augment?.Problem() is { } problem) throw new ConfigException($"{path}: {problem}");
            return recipe;
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
    }

    /// <summary>The teacher layers (0 = first) a student of <paramref name="studentLayers"/> layers copies from a teacher of <paramref name="teacherLayers"/>: ⌊s·L / N⌋.</summary>
    public static IReadOnlyList<int> CopiedLayers(int teacherLayers, int studentLayers)
    {
        if (studentLayers < 1 || studentLayers > teacherLayers)
        {
            throw new ConfigException($"a student of {studentLayers} layers cannot be cut from a teacher of {teacherLayers}; give 1 to {teacherLayers} layers");
        }
        return Enumerable.Range(0, studentLayers).Select(s => s * teacherLayers / studentLayers).ToList();
    }

    /// <summary>The distillation config for these two models, every layer rule replaced by layer numbers (not yet validated).</summary>
    /// <param name="teacher">the teacher's config: layers and width</param>
    /// <param name="student">the student's config</param>
    /// <param name="source">the recipe's path, for errors</param>
    public DistillationConfig Resolve(BertConfig teacher, BertConfig student, string source)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        var resolved = Distillation.DeepClone().AsObject();
        if (resolved["intermediate_matches"] is JsonArray matches)
        {
            resolved["intermediate_matches"] = new JsonArray(matches.SelectMany((m, i) => Expand(m, i, teacher, student, source)).ToArray());
        }
        try
        {
            return resolved.Deserialize<DistillationConfig>(Options) ?? throw new ConfigException($"{source}: distillation is null");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{source}: distillation: {e.Message}");
        }
    }

    private static IEnumerable<JsonNode> Expand(JsonNode? node, int index, BertConfig teacher, BertConfig student, string source)
    {
        if (node is not JsonObject match || match["layers"] is not { } rule) return node is null ? [] : [node.DeepClone()];
        var where = $"{source}: distillation.intermediate_matches[{index}]";
        var name = rule.GetValueKind() == JsonValueKind.String ? rule.GetValue<string>() : rule.ToJsonString();
        if (match.ContainsKey("layer_T") || match.ContainsKey("layer_S")) throw new ConfigException($"{where} gives both layers \"{name}\" and layer numbers; give one of them");
        var feature = match["feature"]?.GetValue<string>() ?? "hidden";
        var hidden = feature == "hidden";
        var (t, s) = (teacher.NumHiddenLayers, student.NumHiddenLayers);
        IEnumerable<(int T, int S)> pairs = name switch
        {
            "uniform" when hidden => Enumerable.Range(0, s + 1).Select(k => (k * t / s, k)),
            "uniform" => throw new ConfigException($"{where}: \"layers\": \"uniform\" pairs hidden states; use \"last\" for {feature}"),
            "last" => hidden ? [(t, s)] : [(t - 1, s - 1)],
            _ => throw new ConfigException($"{where}: \"layers\" \"{name}\" is not a layer rule; known: {string.Join(", ", LayerRules)}"),
        };
        return pairs.Select(p =>
        {
            var copy = match.DeepClone().AsObject();
            copy.Remove("layers");
            copy["layer_T"] = p.T;
            copy["layer_S"] = p.S;
            if (hidden && teacher.HiddenSize != student.HiddenSize && !copy.ContainsKey("proj"))
            {
                copy["proj"] = new JsonArray("linear", student.HiddenSize, teacher.HiddenSize);
            }
            return (JsonNode)copy;
        });
    }
}
