namespace Distill.DistillStudent.Configuration;

/// <summary>TextBrewer's five maps of named components (presets.py's <c>MAPS</c>) and the objective terms, as config fields name them.</summary>
public enum ComponentMap
{
    /// <summary><c>kd_loss_type</c> (KD_LOSS_MAP).</summary>
    KdLoss,
    /// <summary>an intermediate match's <c>loss</c> (MATCH_LOSS_MAP).</summary>
    MatchLoss,
    /// <summary>an intermediate match's <c>proj[0]</c> (PROJ_MAP).</summary>
    Projection,
    /// <summary><c>kd_loss_weight_scheduler</c> and <c>hard_label_weight_scheduler</c> (WEIGHT_SCHEDULER; <c>"none"</c> is no scheduler).</summary>
    WeightScheduler,
    /// <summary><c>temperature_scheduler</c> (TEMPERATURE_SCHEDULER; <c>"none"</c> is no scheduler).</summary>
    TemperatureScheduler,
    /// <summary>a model directory's config.json <c>model_type</c> (the student of a run file, <c>eval</c>'s model): see <c>ModelType</c>.</summary>
    ModelType,
    /// <summary>an <c>objective_terms</c> entry's <c>name</c> (the composition point TextBrewer reaches by subclassing a distiller).</summary>
    ObjectiveTerm,
}

/// <summary>
/// What config validation reads from the one registry of named components (the distiller's
/// <c>ComponentRegistry</c>, where built-in and user-registered components live), so that a name registered by
/// user code is accepted in a JSON config and a typo fails before training with the known names listed. This
/// library holds no copy of those names.
/// </summary>
public interface IComponentCatalog
{
    /// <summary>The names registered in <paramref name="map"/> now, sorted.</summary>
    IReadOnlyList<string> Names(ComponentMap map);

    /// <summary>Layers per side (1, or 2 for pair losses such as fsp) of a registered match loss.</summary>
    int MatchLossArity(string name);

    /// <summary>
    /// Problems with the arguments of a registered temperature scheduler (as its builder reads them, e.g. flsw's
    /// beta, gamma and optional eps), each naming the field; empty when they are valid.
    /// </summary>
    IReadOnlyList<string> TemperatureSchedulerProblems(TemperatureSchedulerForm form, string field);
}
