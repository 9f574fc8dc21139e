using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Models;

namespace Distill.Configuration;

/// <summary>
/// One intermediate-layer match of TextBrewer's <c>intermediate_matches</c>: teacher layer(s), student layer(s),
/// the feature compared (<c>hidden</c> or <c>attention</c>), the loss, its weight and an optional projection
/// (<c>["linear", dim_S, dim_T]</c> or <c>["linear", dim_S, dim_T, "init.safetensors"]</c>, see <see cref="Projection"/>).
/// Layers are one number or a pair (losses such as <c>nst</c> take two). With several teachers (a multi-teacher
/// run), <c>teacher</c> names the one whose layers are read, by its index in the run's list of teachers (default 0).
/// </summary>
public sealed record IntermediateMatch
{
    [JsonPropertyName("layer_T")] public JsonElement LayerT { get; init; }
    [JsonPropertyName("layer_S")] public JsonElement LayerS { get; init; }
    [JsonPropertyName("feature")] public string Feature { get; init; } = "hidden";
    [JsonPropertyName("loss")] public string Loss { get; init; } = "hidden_mse";
    [JsonPropertyName("weight")] public double Weight { get; init; } = 1.0;
    [JsonPropertyName("proj")] public JsonElement? Proj { get; init; }
    // Left out when 0, so that single-teacher run files read and compare as before.
    [JsonPropertyName("teacher"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Teacher { get; init; }

    public static readonly IReadOnlyList<string> Features = ["hidden", "attention"];

    /// <summary>The teacher layer numbers this match reads.</summary>
    public IReadOnlyList<int> TeacherLayers(string where) => Layers(LayerT, $"{where}.layer_T");

    public IReadOnlyList<int> StudentLayers(string where) => Layers(LayerS, $"{where}.layer_S");

    /// <summary>The projection, or null when <c>proj</c> is absent or JSON null; a bad form is a ConfigException naming the field.</summary>
    public Projection? Projection(string where)
    {
        if (Proj is not { } proj || proj.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        var field = $"{where}.proj";
        const string Expected = "[kind, dim_S, dim_T] or [kind, dim_S, dim_T, \"init.safetensors\"] with kind linear, relu or tanh";
        if (proj.ValueKind != JsonValueKind.Array || proj.GetArrayLength() is not (3 or 4))
        {
            throw new ConfigException($"{field} must be {Expected}, found {TemperatureSchedulerForm.Raw(proj)}");
        }
        var kind = proj[0].ValueKind == JsonValueKind.String ? proj[0].GetString()! : null;
        if (kind is null || !Configuration.Projection.Kinds.Contains(kind))
        {
            throw new ConfigException($"{field}[0] {proj[0].GetRawText()} is not known; known: {string.Join(", ", Configuration.Projection.Kinds)}");
        }
        int Dim(int i, string name) => proj[i].ValueKind == JsonValueKind.Number && proj[i].TryGetInt32(out var d) && d > 0
            ? d
            : throw new ConfigException($"{field}[{i}] ({name}) must be a positive whole number, found {proj[i].GetRawText()}");
        var student = Dim(1, "dim_S");
        var teacher = Dim(2, "dim_T");
        string? init = null;
        if (proj.GetArrayLength() == 4)
        {
            init = proj[3].ValueKind == JsonValueKind.String && proj[3].GetString() is { Length: > 0 } path
                ? path
                : throw new ConfigException($"{field}[3] must be the path of a saved projection (a string), found {proj[3].GetRawText()}; TextBrewer's optimizer-group dict is not supported");
        }
        return new Projection(kind, student, teacher, init);
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
