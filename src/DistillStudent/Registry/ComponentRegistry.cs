using System.Diagnostics.CodeAnalysis;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Projections;
using Distill.DistillStudent.Schedules;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Registry;

/// <summary>
/// The one registry of named components, TextBrewer's five maps (presets.py's <c>MAPS</c>): KD losses, match
/// losses, projections, weight schedulers and temperature schedulers, and the objective terms distillers add, the built-in ones and those user code adds
/// with the <c>Register…</c> methods (TextBrewer's <c>register_new</c>; a name registered again replaces the
/// earlier component). Config validation reads it through <see cref="Catalog"/>, so a registered name is accepted in
/// a JSON config and a typo fails before training, listing the known names; the distillers resolve names here too.
/// </summary>
public static class ComponentRegistry
{
    private static readonly object Gate = new();

    private static readonly Dictionary<string, KdLoss> KdByName = new(StringComparer.Ordinal)
    {
        ["ce"] = Losses.KdLosses.SoftCrossEntropy,
        ["mse"] = Losses.KdLosses.MeanSquaredError,
        ["kl"] = Losses.KdLosses.KullbackLeibler,
    };

    private static readonly Dictionary<string, (int Arity, MatchShapes Shapes, MatchLoss Loss)> MatchByName = new(StringComparer.Ordinal)
    {
        ["hidden_mse"] = (1, MatchShapes.Same, HiddenLosses.HiddenMse),
        ["cos"] = (1, MatchShapes.Same, HiddenLosses.Cosine),
        ["pkd"] = (1, MatchShapes.Same, HiddenLosses.Pkd),
        ["attention_mse"] = (1, MatchShapes.Same, AttentionLosses.Mse),
        ["attention_mse_sum"] = (1, MatchShapes.SameButHeads, AttentionLosses.MseSum),
        ["attention_ce"] = (1, MatchShapes.Same, AttentionLosses.Ce),
        ["attention_ce_mean"] = (1, MatchShapes.SameButHeads, AttentionLosses.CeMean),
        ["fsp"] = (2, MatchShapes.Same, PairLosses.Fsp),
        ["gram"] = (2, MatchShapes.Same, PairLosses.Fsp),
        ["mmd"] = (2, MatchShapes.SameButLast, PairLosses.Mmd),
        ["nst"] = (2, MatchShapes.SameButLast, PairLosses.Mmd),
        ["relation_kl"] = (1, MatchShapes.SameButLast, RelationLosses.Kl),
    };

    private static readonly Dictionary<string, ProjectionFactory> ProjectionByName =
        ProjectionLayer.Kinds.ToDictionary(kind => kind, kind => (ProjectionFactory)((s, t) => new ProjectionLayer(kind, s, t)), StringComparer.Ordinal);

    /// <summary>x = optimizer steps done / planned, in [0, 1] → the weight (the scheduler replaces the configured one, as in TextBrewer).</summary>
    private static readonly Dictionary<string, Func<double, double>> WeightByName = new(StringComparer.Ordinal)
    {
        ["linear_decay"] = x => 1 - x,
        ["linear_growth"] = x => x,
    };

    private static readonly Dictionary<string, (IReadOnlyList<TemperatureParameter> Parameters, Func<IReadOnlyList<double>, TemperatureSchedule> Build)> TemperatureByName = new(StringComparer.Ordinal)
    {
        ["constant"] = ([], _ => Schedules.TemperatureSchedule.Constant),
        ["flsw"] = ([new("beta"), new("gamma"), new("eps", Default: Schedules.TemperatureSchedule.DefaultEps, ZeroAllowed: true)], a => new TemperatureSchedule("flsw", a[0], a[1], a[2])),
        ["cwsm"] = ([new("beta")], a => new TemperatureSchedule("cwsm", a[0], 0)),
    };

    private static readonly Dictionary<string, ObjectiveTerm> TermByName = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, ModelType> ModelTypeByName = new(StringComparer.Ordinal);

    static ComponentRegistry()
    {
        RegisterModelType(BuiltInModelTypes.Bert);
        RegisterModelType(BuiltInModelTypes.BiGru);
    }

    /// <summary>What config validation reads: the names registered now (user-registered ones included).</summary>
    public static IComponentCatalog Catalog { get; } = new LiveCatalog();

    /// <summary>Adds or replaces a KD loss on logits, named by <c>kd_loss_type</c> (TextBrewer's KD_LOSS_MAP).</summary>
    public static void RegisterKdLoss(string name, KdLoss loss)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(loss);
        lock (Gate) KdByName[name] = loss;
    }

    /// <summary>
    /// Adds or replaces a match loss, named by a match's <c>loss</c> (TextBrewer's MATCH_LOSS_MAP), taking
    /// <paramref name="arity"/> layers per side (1, or 2 for pair losses such as fsp); <paramref name="shapes"/> is
    /// what it needs of the two sides' shapes, checked on each batch before it runs.
    /// </summary>
    public static void RegisterMatchLoss(string name, int arity, MatchLoss loss, MatchShapes shapes = MatchShapes.Same)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(loss);
        if (arity is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(arity), arity, "a match loss takes 1 layer per side, or 2 for pair losses such as fsp");
        }
        lock (Gate) MatchByName[name] = (arity, shapes, loss);
    }

    /// <summary>Adds or replaces a projection, named by a match's <c>proj[0]</c> (TextBrewer's PROJ_MAP): any module from dim_S to dim_T.</summary>
    public static void RegisterProjection(string name, ProjectionFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate) ProjectionByName[name] = factory;
    }

    /// <summary>
    /// Adds or replaces a weight scheduler for <c>kd_loss_weight_scheduler</c>/<c>hard_label_weight_scheduler</c>
    /// (TextBrewer's WEIGHT_SCHEDULER): x = optimizer steps done / planned, in [0, 1], → the weight. <c>none</c> is reserved.
    /// </summary>
    public static void RegisterWeightScheduler(string name, Func<double, double> weight)
    {
        Reserved(name);
        ArgumentNullException.ThrowIfNull(weight);
        lock (Gate) WeightByName[name] = weight;
    }

    /// <summary>
    /// Adds or replaces a temperature scheduler (TextBrewer's TEMPERATURE_SCHEDULER builder): the config names it
    /// with its arguments, <c>[name, a, b]</c> or <c>[name, {"a": …}]</c> (or <c>"name"</c> when every parameter has a
    /// default); <paramref name="build"/> receives them in the order of <paramref name="parameters"/>, defaults filled
    /// in, once per run. <c>none</c> is reserved.
    /// </summary>
    public static void RegisterTemperatureScheduler(string name, IReadOnlyList<TemperatureParameter> parameters, Func<IReadOnlyList<double>, TemperatureFunction> build)
    {
        Reserved(name);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(build);
        lock (Gate) TemperatureByName[name] = (parameters.ToList(), a => new TemperatureSchedule(name, 0, 0) { Function = build(a) });
    }

    /// <summary>
    /// Adds or replaces a model type, named by the <c>model_type</c> of a model directory's config.json: a run file's
    /// student, <c>eval</c>'s model, output-directory claims, checkpoints and <c>best/</c> then load it as they load BERT.
    /// </summary>
    public static void RegisterModelType(ModelType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (Gate) ModelTypeByName[type.Name] = type;
    }

    /// <summary>The model type <paramref name="name"/>; a ConfigException naming <paramref name="source"/> and listing the known ones otherwise.</summary>
    /// <param name="name">config.json's <c>model_type</c></param>
    /// <param name="source">where the name was read, for the error (e.g. the config.json's path)</param>
    public static ModelType ModelType(string name, string source) => Find(ModelTypeByName, name, ComponentMap.ModelType, $"{source}: model_type");

    /// <summary>
    /// Adds or replaces an objective term, named by an <c>objective_terms</c> entry's <c>name</c>: the distillers add it,
    /// weighted, to their objective beside KD, the hard-label loss and the intermediate matches, so that a new term
    /// needs no distiller of its own (TextBrewer subclasses one). None is built in.
    /// </summary>
    public static void RegisterObjectiveTerm(string name, ObjectiveTerm term)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(term);
        lock (Gate) TermByName[name] = term;
    }

    /// <summary>Removes <paramref name="name"/> from <paramref name="map"/> (built-in ones too); false when it was not there.</summary>
    public static bool Unregister(ComponentMap map, string name)
    {
        lock (Gate)
        {
            return map switch
            {
                ComponentMap.KdLoss => KdByName.Remove(name),
                ComponentMap.MatchLoss => MatchByName.Remove(name),
                ComponentMap.Projection => ProjectionByName.Remove(name),
                ComponentMap.WeightScheduler => WeightByName.Remove(name),
                ComponentMap.TemperatureScheduler => TemperatureByName.Remove(name),
                ComponentMap.ModelType => ModelTypeByName.Remove(name),
                ComponentMap.ObjectiveTerm => TermByName.Remove(name),
                _ => throw new ArgumentOutOfRangeException(nameof(map), map, null),
            };
        }
    }

    /// <summary>The KD loss <paramref name="name"/>; a ConfigException naming <c>kd_loss_type</c> and listing the known ones otherwise.</summary>
    internal static KdLoss KdLoss(string name) => Find(KdByName, name, ComponentMap.KdLoss, "kd_loss_type");

    /// <summary>The match loss <paramref name="name"/>, its arity and shape rule, if registered.</summary>
    internal static bool TryGetMatchLoss(string name, out int arity, out MatchShapes shapes, [MaybeNullWhen(false)] out MatchLoss loss)
    {
        lock (Gate)
        {
            var found = MatchByName.TryGetValue(name, out var entry);
            (arity, shapes, loss) = entry;
            return found;
        }
    }

    /// <summary>The match loss <paramref name="name"/> with its arity and shape rule; a ConfigException listing the known ones otherwise.</summary>
    internal static (int Arity, MatchShapes Shapes, MatchLoss Loss) MatchLoss(string name) => Find(MatchByName, name, ComponentMap.MatchLoss, "match loss");

    /// <summary>The projection factory <paramref name="name"/>; a ConfigException listing the known ones otherwise.</summary>
    internal static ProjectionFactory Projection(string name) => Find(ProjectionByName, name, ComponentMap.Projection, "projection");

    /// <summary>The weight scheduler <paramref name="name"/> (not <c>none</c>); a ConfigException listing the known ones otherwise.</summary>
    internal static Func<double, double> WeightScheduler(string name) => Find(WeightByName, name, ComponentMap.WeightScheduler, "weight scheduler");

    /// <summary>The objective term <paramref name="name"/>; a ConfigException naming <paramref name="field"/> and listing the known ones otherwise.</summary>
    internal static ObjectiveTerm ObjectiveTerm(string name, string field) => Find(TermByName, name, ComponentMap.ObjectiveTerm, field);

    /// <summary>
    /// The temperature scheduler of <paramref name="form"/>, built from its arguments (<c>none</c>: no scheduler);
    /// a ConfigException naming <paramref name="field"/> for an unknown name or bad arguments.
    /// </summary>
    internal static TemperatureSchedule TemperatureSchedule(TemperatureSchedulerForm form, string field)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (form.Name == "none") return new TemperatureSchedule("none", 0, 0);
        var (parameters, build) = Find(TemperatureByName, form.Name, ComponentMap.TemperatureScheduler, field);
        var problems = new List<string>();
        var arguments = form.Read(field, parameters, problems);
        return problems.Count == 0 ? build(arguments) : throw new ConfigException(string.Join("; ", problems));
    }

    private static void Reserved(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name == "none") throw new ArgumentException("\"none\" means no scheduler and cannot be registered", nameof(name));
    }

    private static T Find<T>(Dictionary<string, T> map, string name, ComponentMap kind, string what)
    {
        lock (Gate)
        {
            if (map.TryGetValue(name, out var found)) return found;
        }
        var known = kind is ComponentMap.WeightScheduler or ComponentMap.TemperatureScheduler ? Catalog.Names(kind).Prepend("none") : Catalog.Names(kind);
        throw new ConfigException($"{what} \"{name}\" is not known; known: {string.Join(", ", known)}");
    }

    private sealed class LiveCatalog : IComponentCatalog
    {
        public IReadOnlyList<string> Names(ComponentMap map)
        {
            lock (Gate)
            {
                IEnumerable<string> names = map switch
                {
                    ComponentMap.KdLoss => KdByName.Keys,
                    ComponentMap.MatchLoss => MatchByName.Keys,
                    ComponentMap.Projection => ProjectionByName.Keys,
                    ComponentMap.WeightScheduler => WeightByName.Keys,
                    ComponentMap.TemperatureScheduler => TemperatureByName.Keys,
                    ComponentMap.ModelType => ModelTypeByName.Keys,
                    ComponentMap.ObjectiveTerm => TermByName.Keys,
                    _ => throw new ArgumentOutOfRangeException(nameof(map), map, null),
                };
                return names.Order(StringComparer.Ordinal).ToList();
            }
        }

        public int MatchLossArity(string name) => MatchLoss(name).Arity;

        public IReadOnlyList<string> TemperatureSchedulerProblems(TemperatureSchedulerForm form, string field)
        {
            var (parameters, _) = Find(TemperatureByName, form.Name, ComponentMap.TemperatureScheduler, field);
            var problems = new List<string>();
            form.Read(field, parameters, problems);
            return problems;
        }
    }
}
