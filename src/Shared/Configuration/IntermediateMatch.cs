using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Configuration;

/// <summary>
/// One intermediate-layer match of TextBrewer's <c>intermediate_matches</c>: teacher layer(s), student layer(s),
/// the feature compared (<c>hidden</c> or <c>attention</c>), the loss, its weight and an optional projection
/// (<c>["linear", dim_S, dim_T]</c>). Layers are one number or a pair (losses such as <c>nst</c> take two).
/// </summary>
public sealed record IntermediateMatch
{
    [JsonPropertyName("layer_T")] public JsonElement LayerT { get; init; }
    [JsonPropertyName("layer_S")] public JsonElement LayerS { get; init; }
    [JsonPropertyName("feature")] public string Feature { get; init; } = "hidden";
    [JsonPropertyName("loss")] public string Loss { get; init; } = "hidden_mse";
    [JsonPropertyName("weight")] public double Weight { get; init; } = 1.0;
    [JsonPropertyName("proj")] public JsonElement? Proj { get; init; }

    public static readonly IReadOnlyList<string> Features = ["hidden", "attention"];

    /// <summary>The teacher layer numbers this match reads.</summary>
    public IReadOnlyList<int> TeacherLayers(string where) => Layers(LayerT, $"{where}.layer_T");

    public IReadOnlyList<int> StudentLayers(string where) => Layers(LayerS, $"{where}.layer_S");

    private static IReadOnlyList<int> Layers(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var layer) && layer >= 0 => [layer],
        JsonValueKind.Array when value.EnumerateArray().All(e => e.TryGetInt32(out var l) && l >= 0) && value.GetArrayLength() is 1 or 2
            => value.EnumerateArray().Select(e => e.GetInt32()).ToList(),
        _ => throw new Models.ConfigException($"{where} must be a layer number or a pair of them, found {value.GetRawText()}"),
    };
}
