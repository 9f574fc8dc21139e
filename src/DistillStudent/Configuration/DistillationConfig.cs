using Distill.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// TextBrewer's <c>DistillationConfig</c> as JSON, same names and meaning: temperature and its scheduler, the
/// hard-label and KD loss weights and their schedulers, the KD loss type, probability shift, and the
/// intermediate-layer matches. Read by cache-teacher (to know which teacher layers to keep) and by the distillers.
/// Every key TextBrewer's <c>DistillationConfig</c> defines is accepted, <c>"intermediate_matches": null</c> and
/// <c>is_caching_logits</c> included (see <see cref="Notes"/>). One addition: <c>matches</c>, names of
/// <see cref="MatchPresets"/> appended after the explicit matches. Names of losses, projections and schedulers
/// are checked against the distiller's registry (<see cref="IComponentCatalog"/>), where user code adds its own.
/// </summary>
public sealed record DistillationConfig
{
    private static readonly JsonElement NoScheduler = JsonSerializer.SerializeToElement("none");

    /// <summary>The KD temperature τ dividing both sides' logits (default 4); a scheduler may vary it per batch or row.</summary>
    [JsonPropertyName("temperature")] public double Temperature { get; init; } = 4;
    /// <summary><c>"none"</c>, <c>"constant"</c>, <c>["flsw", beta, gamma(, eps)]</c>, <c>["cwsm", beta]</c>, or a registered name with its arguments (also as a dict); see <see cref="TemperatureSchedulerForm"/>.</summary>
    [JsonPropertyName("temperature_scheduler")] public JsonElement TemperatureScheduler { get; init; } = NoScheduler;
    /// <summary>The weight of the student's own loss on the labels (default 0: KD only).</summary>
    [JsonPropertyName("hard_label_weight")] public double HardLabelWeight { get; init; }
    /// <summary>A registered weight scheduler that replaces <see cref="HardLabelWeight"/> from the first optimizer step on, or <c>none</c> (default).</summary>
    [JsonPropertyName("hard_label_weight_scheduler")] public string HardLabelWeightScheduler { get; init; } = "none";
    /// <summary>The registered KD loss on logits: <c>ce</c> (default), <c>mse</c>, <c>kl</c>, or a name user code registered.</summary>
    [JsonPropertyName("kd_loss_type")] public string KdLossType { get; init; } = "ce";
    /// <summary>The weight of the KD loss (default 1).</summary>
    [JsonPropertyName("kd_loss_weight")] public double KdLossWeight { get; init; } = 1;
    /// <summary>A registered weight scheduler that replaces <see cref="KdLossWeight"/> from the first optimizer step on, or <c>none</c> (default).</summary>
    [JsonPropertyName("kd_loss_weight_scheduler")] public string KdLossWeightScheduler { get; init; } = "none";
    /// <summary>TextBrewer's probability shift: swap the teacher's top logit with the true label's, so the KD target always ranks the label first (needs the labels).</summary>
    [JsonPropertyName("probability_shift")] public bool ProbabilityShift { get; init; }
    /// <summary>TextBrewer writes <c>null</c> for none; it reads as an empty list.</summary>
    [JsonPropertyName("intermediate_matches")] public IReadOnlyList<IntermediateMatch> IntermediateMatches { get; init => field = value ?? []; } = [];
    /// <summary>Preset names; <see cref="Validate(string, IComponentCatalog?, int?, IReadOnlyList{int}?)"/> expands them and empties this list.</summary>
    [JsonPropertyName("matches")] public IReadOnlyList<string> Matches { get; init => field = value ?? []; } = [];
    /// <summary>
    /// TextBrewer's in-memory cache of teacher logits. Nothing to switch here: a cached teacher (cache-teacher) is
    /// computed once for every epoch, and an online teacher runs on each batch (same values). Left out of
    /// written configs when absent, so that run files compare as before.
    /// </summary>
    [JsonPropertyName("is_caching_logits"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? IsCachingLogits { get; init; }
    /// <summary>
    /// Terms registered by user code added to the objective beside KD, the hard-label loss and the matches (see
    /// <see cref="ObjectiveTermEntry"/>); null or empty for none. Left out of written configs when null, so that run
    /// files compare as before.
    /// </summary>
    [JsonPropertyName("objective_terms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ObjectiveTermEntry>? ObjectiveTerms { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>Reads, expands presets and validates the forms and layers, without the registry's names (see <see cref="Validate(string, IComponentCatalog?, int?, IReadOnlyList{int}?)"/>).</summary>
    public static DistillationConfig Load(string path)
    {
        return JsonFile.Read<DistillationConfig>(path, "distillation config", Options).Validate(path);
    }

    /// <summary>The temperature scheduler's form (name and arguments); call after validation.</summary>
    internal TemperatureSchedulerForm TemperatureSchedulerForm() =>
        Configuration.TemperatureSchedulerForm.TryParse(TemperatureScheduler, "temperature_scheduler", out var problem)
        ?? throw new ConfigException(problem!);

    /// <summary>
    /// Lines a run prints first for keys that have no effect here although the user may expect one; empty when
    /// none applies. (Keys whose TextBrewer default does nothing in TextBrewer either stay quiet.)
    /// </summary>
    internal IReadOnlyList<string> Notes() => IsCachingLogits == true
        ? ["warning: is_caching_logits: true has nothing to switch on here: a cached teacher (cache-teacher) is read, not recomputed, every epoch, "
            + "and an online teacher runs on every batch (the same logits, computed again)"]
        : [];

    /// <summary>
    /// Checks every field and returns the config with the <c>matches</c> presets appended to
    /// <c>intermediate_matches</c>. With <paramref name="catalog"/> (the registry) every loss, projection and
    /// scheduler name must be registered, each match's loss take as many layers as it is given, and the temperature
    /// scheduler's arguments suit its builder; with layer counts, hidden layers must lie in
    /// [0, layers] (0 = embeddings) and attention layers in [0, layers − 1]. <paramref name="teacherLayers"/> holds one
    /// count per teacher (several for a multi-teacher run), and each match's <c>teacher</c> must be one of them.
    /// Every problem goes into one ConfigException.
    /// </summary>
    public DistillationConfig Validate(string source, IComponentCatalog? catalog = null, int? studentLayers = null, IReadOnlyList<int>? teacherLayers = null)
    {
        var problems = new List<string>();
        if (!(Temperature > 0)) problems.Add($"temperature must be positive, found {Temperature}");
        void Known(string field, string value, ComponentMap map, bool noneAllowed = false)
        {
            if (catalog is null || (noneAllowed && value == "none")) return;
            var known = catalog.Names(map);
            if (!known.Contains(value)) problems.Add($"{field} \"{value}\" is not known; known: {string.Join(", ", noneAllowed ? known.Prepend("none") : known)}");
        }
        if (Configuration.TemperatureSchedulerForm.TryParse(TemperatureScheduler, "temperature_scheduler", out var schedulerProblem) is not { } form)
        {
            problems.Add(schedulerProblem!);
        }
        else if (catalog is not null && form.Name != "none")
        {
            if (catalog.Names(ComponentMap.TemperatureScheduler).Contains(form.Name)) problems.AddRange(catalog.TemperatureSchedulerProblems(form, "temperature_scheduler"));
            else Known("temperature_scheduler", form.Name, ComponentMap.TemperatureScheduler, noneAllowed: true);
        }
        Known("hard_label_weight_scheduler", HardLabelWeightScheduler, ComponentMap.WeightScheduler, noneAllowed: true);
        Known("kd_loss_weight_scheduler", KdLossWeightScheduler, ComponentMap.WeightScheduler, noneAllowed: true);
        Known("kd_loss_type", KdLossType, ComponentMap.KdLoss);
        if (HardLabelWeight < 0) problems.Add($"hard_label_weight must not be negative, found {HardLabelWeight}");
        if (KdLossWeight < 0) problems.Add($"kd_loss_weight must not be negative, found {KdLossWeight}");
        foreach (var (term, i) in (ObjectiveTerms ?? []).Select((t, i) => (t, i)))
        {
            if (term is null)
            {
                problems.Add($"objective_terms[{i}] must be an object such as {{\"name\": \"my_term\", \"weight\": 1}}, found null");
                continue;
            }
            if (string.IsNullOrEmpty(term.Name)) problems.Add($"objective_terms[{i}].name is required (a registered objective term)");
            else Known($"objective_terms[{i}].name", term.Name, ComponentMap.ObjectiveTerm);
            Known($"objective_terms[{i}].weight_scheduler", term.WeightScheduler, ComponentMap.WeightScheduler, noneAllowed: true);
            if (term.Weight < 0) problems.Add($"objective_terms[{i}].weight must not be negative, found {term.Weight}");
        }

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
            problems.AddRange(MatchProblems(match, where, catalog, studentLayers, teacherLayers));
        }
        problems.AddRange(FiniteNumbers.Problems(this));
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this with { IntermediateMatches = matches.Select(p => p.Match).ToList(), Matches = [] };
    }

    private static IEnumerable<string> MatchProblems(IntermediateMatch match, string where, IComponentCatalog? catalog, int? studentLayers, IReadOnlyList<int>? teacherLayers)
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
        if (match.RelationHeads is < 1) problems.Add($"{where}.relation_heads must be at least 1, found {match.RelationHeads}");
        if (match.RelationHeads is not null && match.Feature == "attention") problems.Add($"{where}.relation_heads splits (batch, tokens, width) features; attention is already per head");
        int? arity = null;
        if (catalog is not null)
        {
            var losses = catalog.Names(ComponentMap.MatchLoss);
            if (losses.Contains(match.Loss)) arity = catalog.MatchLossArity(match.Loss);
            else problems.Add($"{where}.loss \"{match.Loss}\" is not known; known: {string.Join(", ", losses)}");
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
                var max = match.Feature == "hidden" ? count : count - 1;
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
            if (match.Projection(where) is { } projection && catalog is not null && !catalog.Names(ComponentMap.Projection).Contains(projection.Kind))
            {
                problems.Add($"{where}.proj[0] \"{projection.Kind}\" is not known; known: {string.Join(", ", catalog.Names(ComponentMap.Projection))}");
            }
        }
        catch (ConfigException e)
        {
            problems.Add(e.Message);
        }
        return problems;
    }

    /// <summary>Teacher hidden layers the matches read (0 = embeddings), sorted: of one teacher, or of all when null.</summary>
    internal IReadOnlyList<int> TeacherHiddenLayers(int? teacher = null) => TeacherLayers("hidden", teacher);

    /// <summary>Teacher attention layers the matches read (0 = the first layer's), sorted: of one teacher, or of all when null.</summary>
    internal IReadOnlyList<int> TeacherAttentionLayers(int? teacher = null) => TeacherLayers("attention", teacher);

    /// <summary>
    /// Teacher layers whose self-attention projections (query, key, value) the matches read (0 = the first layer's),
    /// sorted: of one teacher, or of all when null.
    /// </summary>
    internal IReadOnlyList<int> TeacherProjectionLayers(int? teacher = null) => TeacherLayers(IntermediateMatch.Projections, teacher);

    private IReadOnlyList<int> TeacherLayers(string feature, int? teacher) => TeacherLayers([feature], teacher);

    private IReadOnlyList<int> TeacherLayers(IReadOnlyList<string> features, int? teacher) => IntermediateMatches
        .Select((m, i) => (m, i))
        .Where(p => features.Contains(p.m.Feature) && (teacher is null || p.m.Teacher == teacher))
        .SelectMany(p => p.m.TeacherLayers($"intermediate_matches[{p.i}]"))
        .Distinct().Order().ToList();
}
