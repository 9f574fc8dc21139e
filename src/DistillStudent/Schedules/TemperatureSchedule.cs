using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Schedules;

/// <summary>
/// A temperature scheduler as TextBrewer names it: <c>none</c> or <c>constant</c> (the base temperature),
/// <c>flsw</c> with beta, gamma and eps (TextBrewer's default 1e-4), <c>cwsm</c> with beta (arXiv:1911.07471), or a
/// user's registered one (<see cref="Function"/>). Unused parameters are 0.
/// </summary>
internal sealed record TemperatureSchedule(string Name, double Beta, double Gamma, double Eps = TemperatureSchedule.DefaultEps)
{
    /// <summary>A registered user scheduler built from its config arguments; null for the built-in ones.</summary>
    public TemperatureFunction? Function { get; init; }

    /// <summary>TextBrewer's default flsw eps (<c>flsw_temperature_scheduler_builder(beta, gamma, eps=1e-4)</c>), added to each logits row's norm before dividing by it.</summary>
    public const double DefaultEps = 1e-4;

    public static TemperatureSchedule Constant { get; } = new("constant", 0, 0);

    /// <summary>Reads the config value (<c>"none"</c>, <c>"constant"</c>, <c>["flsw", beta, gamma(, eps)]</c>, <c>["cwsm", beta]</c>, the dict forms, a registered name) through the registry.</summary>
    /// <exception cref="ConfigException">The form or its arguments are not valid; the message names <paramref name="field"/>.</exception>
    public static TemperatureSchedule Parse(JsonElement value, string field = "temperature_scheduler")
    {
        var form = TemperatureSchedulerForm.TryParse(value, field, out var problem) ?? throw new ConfigException(problem!);
        return Registry.ComponentRegistry.TemperatureSchedule(form, field);
    }
}
