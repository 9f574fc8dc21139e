using System.Text.Json;
using Distill.Configuration;
using Distill.Models;

namespace Distill.DistillStudent.Schedules;

/// <summary>
/// A temperature scheduler as TextBrewer names it: <c>none</c> or <c>constant</c> (the base temperature),
/// <c>flsw</c> with beta, gamma and eps (TextBrewer's default 1e-4), <c>cwsm</c> with beta (arXiv:1911.07471).
/// Unused parameters are 0.
/// </summary>
public sealed record TemperatureSchedule(string Name, double Beta, double Gamma, double Eps = TemperatureSchedulerForm.DefaultEps)
{
    public static TemperatureSchedule Constant { get; } = new("constant", 0, 0);

    /// <summary>Reads the config value (<c>"none"</c>, <c>"constant"</c>, <c>["flsw", beta, gamma(, eps)]</c>, <c>["cwsm", beta]</c>).</summary>
    /// <exception cref="ConfigException">The form is not one of those; the message names <paramref name="field"/>.</exception>
    public static TemperatureSchedule Parse(JsonElement value, string field = "temperature_scheduler")
    {
        var form = TemperatureSchedulerForm.TryParse(value, field, out var problem) ?? throw new ConfigException(problem!);
        return new TemperatureSchedule(form.Name, form.Beta, form.Gamma, form.Eps);
    }
}
