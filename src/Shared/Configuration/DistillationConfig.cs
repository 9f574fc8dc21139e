using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Models;

namespace Distill.Configuration;

/// <summary>
/// TextBrewer's <c>DistillationConfig</c> as JSON, same names and meaning: temperature and its scheduler, the
/// hard-label and KD loss weights and their schedulers, the KD loss type, probability shift, and the
/// intermediate-layer matches. Read by cache-teacher (to know which teacher layers to keep) and by the distillers.
/// One addition: <c>matches</c>, names of <see cref="MatchPresets"/> appended after the explicit matches.
/// </summary>
public sealed record DistillationConfig
{
    private static readonly JsonElement NoScheduler = JsonSerializer.SerializeToElement("none");

    [JsonPropertyName("temperature")] public double Temperature { get; init; } = 4;
    /// <summary><c>"none"</c>, <c>"constant"</c>, <c>["flsw", beta, gamma]</c> or <c>["cwsm", beta]</c>; see <see cref="TemperatureSchedulerForm"/>.</summary>
    [JsonPropertyName("temperature_scheduler")] public JsonElement TemperatureScheduler { get; init; } = NoScheduler;
    [JsonPropertyName("hard_label_weight")] public double HardLabelWeight { get; init; }
    [JsonPropertyName("hard_label_weight_scheduler")] public string HardLabelWeightScheduler { get; init; } = "none";
    [JsonPropertyName("kd_loss_type")] public string KdLossType { get; init; } = "ce";
    [JsonPropertyName("kd_loss_weight")] public double KdLossWeight { get; init; } = 1;
    [JsonPropertyName("kd_loss_weight_scheduler")] public string KdLossWeightScheduler { get; init; } = "none";
    [JsonPropertyName("probability_shift")] public bool ProbabilityShift { get; init; }
    [JsonPropertyName("intermediate_matches")] public IReadOnlyList<IntermediateMatch> IntermediateMatches { get; init; } = [];
    /// <summary>Preset names; <see cref="Validate(string, IReadOnlyDictionary{string, int}?, int?, IReadOnlyList{int}?)"/> expands them and empties this list.</summary>
    [JsonPropertyName("matches")] public IReadOnlyList<string> Matches { get; init; } = [];

    public static readonly IReadOnlyList<string> TemperatureSchedulers = Configuration.TemperatureSchedulerForm.Names;
    public static readonly IReadOnlyList<string> WeightSchedulers = ["none", "linear_decay", "linear_growth"];
    /// <summary>Must equal the distiller's LossRegistry.KdNames (a test compares them; this library cannot see it).</summary>
    public static readonly IReadOnlyList<string> KdLossTypes = ["ce", "mse", "kl"];

    private static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>Reads, expands presets and validates without a loss registry (see <see cref="Validate(string, IReadOnlyDictionary{string, int}?, int?, IReadOnlyList{int}?)"/>).</summary>
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

    /// <summary>The temperature scheduler's typed form; call after validation.</summary>
    public TemperatureSchedulerForm TemperatureSchedulerForm() =>
        Configuration.TemperatureSchedulerForm.TryParse(TemperatureScheduler, "temperature_scheduler", out var problem)
        ?? throw new ConfigException(problem!);

    /// <summary>
    /// Checks every field and returns the config with the <c>matches</c> presets appended to
    /// <c>intermediate_matches</c>. With <paramref name="lossArity"/> (loss name → layers per side) each match's loss
    /// must be known and take as many layers as it is given; with layer counts, hidden layers must lie in
    /// [0, layers] (0 = embeddings) and attention layers in [0, layers − 1]. <paramref name="teacherLayers"/> holds one
    /// count per teacher (several for a multi-teacher run), and each match's <c>teacher</c> must be one of them.
    /// Every problem goes into one ConfigException.
    /// </summary>
    public DistillationConfig Validate(string source, IReadOnlyDictionary<string, int>? lossArity = null, int? studentLayers = null, IReadOnlyList<int>? teacherLayers = null)
    {
        var problems = new List<string>();
        if (!(Temperature > 0)) problems.Add($"temperature must be positive, found {Temperature}");
        void Known(string field, string value, IReadOnlyList<string> known)
        {
            if (!known.Contains(value)) problems.Add($"{field} \"{value}\" is not known; known: {string.Join(", ", known)}");
        }
        if (Configuration.TemperatureSchedulerForm.TryParse(TemperatureScheduler, "temperature_scheduler", out var schedulerProblem) is null)
        {
            problems.Add(schedulerProblem!);
        }
        Known("hard_label_weight_scheduler", HardLabelWeightScheduler, WeightSchedulers);
        Known("kd_loss_weight_scheduler", KdLossWeightScheduler, WeightSchedulers);
        Known("kd_loss_type", KdLossType, KdLossTypes);
        if (HardLabelWeight < 0) problems.Add($"hard_label_weight must not be negative, found {HardLabelWeight}");
        if (KdLossWeight < 0) problems.Add($"kd_loss_weight must not be negative, found {KdLossWeight}");

        var matches = IntermediateMatches.Select((m, i) => (Match: m, Where: $"intermediate_matches[{i}]")).ToList();
        foreach (var (name, i) in Matches.Select((n, i) => (n, i)))
        {
            if (!MatchPresets.TryGet(name, out var preset))
            {
                problems.Add($"matches[{i}] \"{name}\" is not known; known: {string.Join(", ", MatchPresets.Names)}");
                continue;
            }
            matches.AddRange(preset.Select(m => (m, $"intermediate_matches[{matches.Count}] (from matches[{i}] \"{name}\")")));
        }
        foreach (var (match, where) in matches)
        {
            problems.AddRange(MatchProblems(match, where, lossArity, studentLayers, teacherLayers));
        }
        problems.AddRange(FiniteNumbers.Problems(this));
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this with { IntermediateMatches = matches.Select(p => p.Match).ToList(), Matches = [] };
    }

    private static IEnumerable<string> MatchProblems(IntermediateMatch match, string where, IReadOnlyDictionary<string, int>? lossArity, int? studentLayers, IReadOnlyList<int>? teacherLayers)
    {
        var problems = new List<string>();
        int? teacherDepth = null;
        if (teacherLayers is not null)
        {
            if (match.Teacher >= 0 && match.Teacher < teacherLayers.Count) teacherDepth = teacherLayers[match.Teacher];
            else problems.Add($"{where}.teacher {match.Teacher} is not a teacher of this run; it has teachers 0..{teacherLayers.Count - 1}");
        }
        else if (match.Teacher < 0)
        {
            problems.Add($"{where}.teacher must not be negative, found {match.Teacher}");
        }
        var featureKnown = IntermediateMatch.Features.Contains(match.Feature);
        if (!featureKnown)
        {
            problems.Add($"{where}.feature \"{match.Feature}\" is not known; known: {string.Join(", ", IntermediateMatch.Features)}");
        }
        if (match.Weight < 0) problems.Add($"{where}.weight must not be negative, found {match.Weight}");
        int? arity = null;
        if (lossArity is not null)
        {
            if (lossArity.TryGetValue(match.Loss, out var a)) arity = a;
            else problems.Add($"{where}.loss \"{match.Loss}\" is not known; known: {string.Join(", ", lossArity.Keys.Order(StringComparer.Ordinal))}");
        }
        void Side(string field, Func<string, IReadOnlyList<int>> read, int? modelLayers, string model)
        {
            IReadOnlyList<int> layers;
            try
            {
                layers = read(where);
            }
            catch (ConfigException e)
            {
                problems.Add(e.Message);
                return;
            }
            if (arity is { } n && layers.Count != n)
            {
                problems.Add($"{where}.{field} gives {layers.Count} layer(s) but loss \"{match.Loss}\" takes {n}");
            }
            if (modelLayers is { } count && featureKnown)
            {
                var max = match.Feature == "attention" ? count - 1 : count;
                foreach (var layer in layers.Where(l => l > max))
                {
                    problems.Add($"{where}.{field} {layer} is out of range: the {model} has {match.Feature} layers 0..{max}");
                }
            }
        }
        Side("layer_T", match.TeacherLayers, teacherDepth, "teacher");
        Side("layer_S", match.StudentLayers, studentLayers, "student");
        try
        {
            match.Projection(where);
        }
        catch (ConfigException e)
        {
            problems.Add(e.Message);
        }
        return problems;
    }

    /// <summary>Teacher hidden layers the matches read (0 = embeddings), sorted: of one teacher, or of all when null.</summary>
    public IReadOnlyList<int> TeacherHiddenLayers(int? teacher = null) => TeacherLayers("hidden", teacher);

    /// <summary>Teacher attention layers the matches read (0 = the first layer's), sorted: of one teacher, or of all when null.</summary>
    public IReadOnlyList<int> TeacherAttentionLayers(int? teacher = null) => TeacherLayers("attention", teacher);

    private IReadOnlyList<int> TeacherLayers(string feature, int? teacher) => IntermediateMatches
        .Select((m, i) => (m, i))
        .Where(p => p.m.Feature == feature && (teacher is null || p.m.Teacher == teacher))
        .SelectMany(p => p.m.TeacherLayers($"intermediate_matches[{p.i}]"))
        .Distinct().Order().ToList();
}
