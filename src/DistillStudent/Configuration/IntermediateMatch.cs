using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// One intermediate-layer match of TextBrewer's <c>intermediate_matches</c>: teacher layer(s), student layer(s),
/// the feature compared (<c>hidden</c>, <c>attention</c>, or a layer's self-attention <c>query</c>, <c>key</c> or
/// <c>value</c> projections, (B, T, H) with the heads concatenated, for MiniLM's relations), the loss, its weight and an optional projection
/// (<c>["linear", dim_S, dim_T]</c>, with TextBrewer's optimizer-group dict <c>{"lr": 1e-3}</c> or our path of a saved
/// projection as a 4th element, see <see cref="Configuration.Projection"/>).
/// Layers are one number or a pair (losses such as <c>nst</c> take two). With several teachers (a multi-teacher
/// run), <c>teacher</c> names the one whose layers are read, by its index in the run's list of teachers (default 0).
/// </summary>
public sealed record IntermediateMatch
{
    /// <summary>The teacher layer(s): one number, or a pair for losses that take two (0 = embeddings for hidden states).</summary>
    [JsonPropertyName("layer_T")] public JsonElement LayerT { get; init; }
    /// <summary>The student layer(s), as <see cref="LayerT"/>.</summary>
    [JsonPropertyName("layer_S")] public JsonElement LayerS { get; init; }
    /// <summary>What is compared: <c>hidden</c> (default) states or <c>attention</c> probabilities.</summary>
    [JsonPropertyName("feature")] public string Feature { get; init; } = "hidden";
    /// <summary>The registered match loss (<c>hidden_mse</c> by default; <c>cos</c>, <c>pkd</c>, <c>attention_ce</c>, <c>fsp</c>, <c>mmd</c>, … or a user's).</summary>
    [JsonPropertyName("loss")] public string Loss { get; init; } = "hidden_mse";
    /// <summary>The match's weight in the objective (default 1).</summary>
    [JsonPropertyName("weight")] public double Weight { get; init; } = 1.0;
    /// <summary>The student side's projection, <c>[name, dim_S, dim_T]</c> with an optional optimizer group or saved-projection path; null: none (the widths must then agree).</summary>
    [JsonPropertyName("proj")] public JsonElement? Proj { get; init; }
    /// <summary>With several teachers, the index of the one whose layers are read (default 0).</summary>
    // Left out when 0, so that single-teacher run files read and compare as before.
    [JsonPropertyName("teacher"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Teacher { get; init; }

    /// <summary>
    /// Cuts both sides' features into this many relation heads (MiniLMv2's relation heads:
    /// (B, T, H) → (B, R, T, H/R)) before the loss; null leaves them whole (one relation head for <c>relation_kl</c>).
    /// </summary>
    [JsonPropertyName("relation_heads"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? RelationHeads { get; init; }

    /// <summary>The features that are a layer's self-attention projections (layers numbered as attention's, from 0).</summary>
    public static readonly IReadOnlyList<string> Projections = ["query", "key", "value"];

    /// <summary>The values <see cref="Feature"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Features = ["hidden", "attention", .. Projections];

    /// <summary>The teacher layer numbers this match reads.</summary>
    public IReadOnlyList<int> TeacherLayers(string where) => Layers(LayerT, $"{where}.layer_T");

    /// <summary>The student layer numbers this match reads; a ConfigException naming <paramref name="where"/> for a bad form.</summary>
    public IReadOnlyList<int> StudentLayers(string where) => Layers(LayerS, $"{where}.layer_S");

    /// <summary>
    /// The projection, or null when <c>proj</c> is absent or JSON null; a bad form is a ConfigException naming the
    /// field. Only the form is read here: whether the name is registered is validation's question.
    /// </summary>
    public Projection? Projection(string where)
    {
        if (Proj is not { } proj || proj.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        var field = $"{where}.proj";
        const string Expected = "[name, dim_S, dim_T], [name, dim_S, dim_T, {optimizer group}] or [name, dim_S, dim_T, \"init.safetensors\"]";
        if (proj.ValueKind != JsonValueKind.Array || proj.GetArrayLength() is not (3 or 4))
        {
            throw new ConfigException($"{field} must be {Expected}, found {TemperatureSchedulerForm.Raw(proj)}");
        }
        var kind = proj[0].ValueKind == JsonValueKind.String && proj[0].GetString() is { Length: > 0 } name
            ? name
            : throw new ConfigException($"{field}[0] must be a projection name (built in: linear, relu, tanh), found {proj[0].GetRawText()}");
        int Dim(int i, string dim) => proj[i].ValueKind == JsonValueKind.Number && proj[i].TryGetInt32(out var d) && d > 0
            ? d
            : throw new ConfigException($"{field}[{i}] ({dim}) must be a positive whole number, found {proj[i].GetRawText()}");
        var student = Dim(1, "dim_S");
        var teacher = Dim(2, "dim_T");
        if (proj.GetArrayLength() == 3) return new Projection(kind, student, teacher, null);
        return proj[3].ValueKind switch
        {
            JsonValueKind.String when proj[3].GetString() is { Length: > 0 } path => new Projection(kind, student, teacher, path),
            JsonValueKind.Object => new Projection(kind, student, teacher, null, OptimizerGroup(proj[3], $"{field}[3]")),
            _ => throw new ConfigException($"{field}[3] must be an optimizer group such as {{\"lr\": 1e-3}} (TextBrewer's form) or the path of a saved projection, found {proj[3].GetRawText()}"),
        };
    }

    private static ProjectionOptimizer OptimizerGroup(JsonElement group, string field)
    {
        double? lr = null, decay = null, eps = null, beta1 = null, beta2 = null;
        double Number(JsonElement value, string key, double min) => value.ValueKind == JsonValueKind.Number && value.GetDouble() >= min
            ? value.GetDouble()
            : throw new ConfigException($"{field}.{key} must be a number of at least {min}, found {value.GetRawText()}");
        foreach (var option in group.EnumerateObject())
        {
            switch (option.Name)
            {
                case "lr": lr = Number(option.Value, "lr", double.Epsilon); break;
                case "weight_decay": decay = Number(option.Value, "weight_decay", 0); break;
                case "eps": eps = Number(option.Value, "eps", double.Epsilon); break;
                case "betas" when option.Value.ValueKind == JsonValueKind.Array && option.Value.GetArrayLength() == 2:
                    beta1 = Number(option.Value[0], "betas[0]", 0);
                    beta2 = Number(option.Value[1], "betas[1]", 0);
                    break;
                default:
                    throw new ConfigException($"{field}.{option.Name} is not an option of the projection's optimizer group (AdamW); known: {string.Join(", ", ProjectionOptimizer.Keys)} (betas as [beta1, beta2])");
            }
        }
        return new ProjectionOptimizer(lr, decay, eps, beta1, beta2);
    }

    private static IReadOnlyList<int> Layers(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.Undefined => throw new ConfigException($"{where} is missing; give a layer number or a pair of them"),
        JsonValueKind.Number when value.TryGetInt32(out var layer) && layer >= 0 => [layer],
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var l) && l >= 0) && value.GetArrayLength() is 1 or 2
            => value.EnumerateArray().Select(e => e.GetInt32()).ToList(),
        _ => throw new ConfigException($"{where} must be a layer number or a pair of them, found {value.GetRawText()}"),
    };
}
