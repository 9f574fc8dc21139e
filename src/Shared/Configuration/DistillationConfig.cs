using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Models;

namespace Distill.Configuration;

/// <summary>
/// TextBrewer's <c>DistillationConfig</c> as JSON, same names and meaning: temperature and its scheduler, the
/// hard-label and KD loss weights and their schedulers, the KD loss type, probability shift, and the
/// intermediate-layer matches. Read by cache-teacher (to know which teacher layers to keep) and by the distillers.
/// </summary>
public sealed record DistillationConfig
{
    [JsonPropertyName("temperature")] public double Temperature { get; init; } = 4;
    [JsonPropertyName("temperature_scheduler")] public string TemperatureScheduler { get; init; } = "none";
    [JsonPropertyName("hard_label_weight")] public double HardLabelWeight { get; init; }
    [JsonPropertyName("hard_label_weight_scheduler")] public string HardLabelWeightScheduler { get; init; } = "none";
    [JsonPropertyName("kd_loss_type")] public string KdLossType { get; init; } = "ce";
    [JsonPropertyName("kd_loss_weight")] public double KdLossWeight { get; init; } = 1;
    [JsonPropertyName("kd_loss_weight_scheduler")] public string KdLossWeightScheduler { get; init; } = "none";
    [JsonPropertyName("probability_shift")] public bool ProbabilityShift { get; init; }
    [JsonPropertyName("intermediate_matches")] public IReadOnlyList<IntermediateMatch> IntermediateMatches { get; init; } = [];

    /// <summary>TextBrewer's scheduler names; their implementations come with the distillers.</summary>
    public static readonly IReadOnlyList<string> TemperatureSchedulers = ["none", "constant", "flsw", "cwsm"];
    public static readonly IReadOnlyList<string> WeightSchedulers = ["none", "linear_decay", "linear_growth"];
    public static readonly IReadOnlyList<string> KdLossTypes = ["ce", "mse"];

    private static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    public static DistillationConfig Load(string path)
    {
        DistillationConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<DistillationConfig>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
        return (config ?? throw new ConfigException($"{path}: the config is null")).Validate(path);
    }

    public DistillationConfig Validate(string source)
    {
        var problems = new List<string>();
        if (!(Temperature > 0)) problems.Add($"temperature must be positive, found {Temperature}");
        void Known(string field, string value, IReadOnlyList<string> known)
        {
            if (!known.Contains(value)) problems.Add($"{field} \"{value}\" is not known; known: {string.Join(", ", known)}");
        }
        Known("temperature_scheduler", TemperatureScheduler, TemperatureSchedulers);
        Known("hard_label_weight_scheduler", HardLabelWeightScheduler, WeightSchedulers);
        Known("kd_loss_weight_scheduler", KdLossWeightScheduler, WeightSchedulers);
        Known("kd_loss_type", KdLossType, KdLossTypes);
        if (HardLabelWeight < 0) problems.Add($"hard_label_weight must not be negative, found {HardLabelWeight}");
        if (KdLossWeight < 0) problems.Add($"kd_loss_weight must not be negative, found {KdLossWeight}");
        for (var i = 0; i < IntermediateMatches.Count; i++)
        {
            var match = IntermediateMatches[i];
            var where = $"intermediate_matches[{i}]";
            if (!IntermediateMatch.Features.Contains(match.Feature))
            {
                problems.Add($"{where}.feature \"{match.Feature}\" is not known; known: {string.Join(", ", IntermediateMatch.Features)}");
            }
            if (match.Weight < 0) problems.Add($"{where}.weight must not be negative, found {match.Weight}");
            try
            {
                match.TeacherLayers(where);
                match.StudentLayers(where);
            }
            catch (ConfigException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this;
    }

    /// <summary>Teacher hidden layers the matches read (0 = embeddings), sorted.</summary>
    public IReadOnlyList<int> TeacherHiddenLayers() => TeacherLayers("hidden");

    /// <summary>Teacher attention layers the matches read (0 = the first layer's), sorted.</summary>
    public IReadOnlyList<int> TeacherAttentionLayers() => TeacherLayers("attention");

    private IReadOnlyList<int> TeacherLayers(string feature) => IntermediateMatches
        .Select((m, i) => (m, i))
        .Where(p => p.m.Feature == feature)
        .SelectMany(p => p.m.TeacherLayers($"intermediate_matches[{p.i}]"))
        .Distinct().Order().ToList();
}
