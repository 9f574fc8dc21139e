using System.Text.Json.Serialization;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// One entry of the distillation config's <c>objective_terms</c>: a term registered by user code
/// (<c>ComponentRegistry.RegisterObjectiveTerm</c>) that the distillers add to their objective, multiplied by
/// <see cref="Weight"/>, or by the weight scheduler's value when <see cref="WeightScheduler"/> is not <c>none</c>
/// (as <c>kd_loss_weight_scheduler</c> replaces <c>kd_loss_weight</c>). Example:
/// <c>{"name": "my_term", "weight": 0.1, "weight_scheduler": "linear_decay"}</c>.
/// </summary>
public sealed record ObjectiveTermEntry
{
    /// <summary>The registered name of the term; validation rejects a name that is not registered, listing the known ones.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>The term's weight (not negative); default 1.</summary>
    [JsonPropertyName("weight")] public double Weight { get; init; } = 1;

    /// <summary>A registered weight scheduler that replaces <see cref="Weight"/> from the first optimizer step on, or <c>none</c> (default).</summary>
    [JsonPropertyName("weight_scheduler")] public string WeightScheduler { get; init; } = "none";
}
