using System.Text.Json;

namespace Distill.Configuration;

/// <summary>
/// The one reading of TextBrewer's <c>temperature_scheduler</c> value, shared by config validation and the
/// scheduler itself so the two cannot disagree: <c>"none"</c> or <c>"constant"</c>, <c>["flsw", beta, gamma]</c>,
/// <c>["cwsm", beta]</c>, and flsw's optional fourth argument <c>eps</c> as TextBrewer's
/// <c>flsw_temperature_scheduler_builder(beta, gamma, eps=1e-4)</c> takes it. Beta and gamma must be positive, eps
/// must not be negative; unused ones are 0 (eps keeps its default).
/// </summary>
public sealed record TemperatureSchedulerForm(string Name, double Beta, double Gamma, double Eps = TemperatureSchedulerForm.DefaultEps)
{
    public static readonly IReadOnlyList<string> Names = ["none", "constant", "flsw", "cwsm"];

    /// <summary>TextBrewer's default flsw eps, added to each logits row's norm before dividing by it.</summary>
    public const double DefaultEps = 1e-4;

    /// <summary>Reads <paramref name="value"/>; on a bad form returns null and a message naming <paramref name="field"/>.</summary>
    public static TemperatureSchedulerForm? TryParse(JsonElement value, string field, out string? problem)
    {
        problem = null;
        const string Expected = "\"none\", \"constant\", [\"flsw\", beta, gamma], [\"flsw\", beta, gamma, eps] or [\"cwsm\", beta]";
        if (value.ValueKind == JsonValueKind.String)
        {
            var name = value.GetString()!;
            if (name is "none" or "constant") return new TemperatureSchedulerForm(name, 0, 0);
            problem = name is "flsw" or "cwsm"
                ? $"{field} \"{name}\" needs its parameters: {Expected}"
                : $"{field} \"{name}\" is not known; known: {string.Join(", ", Names)} (as {Expected})";
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value[0].ValueKind != JsonValueKind.String)
        {
            problem = $"{field} must be {Expected}, found {Raw(value)}";
            return null;
        }
        var kind = value[0].GetString()!;
        int arity = kind switch { "flsw" => 2, "cwsm" => 1, _ => -1 };
        if (arity < 0)
        {
            problem = $"{field}[0] \"{kind}\" is not known; known with parameters: flsw, cwsm (as {Expected})";
            return null;
        }
        var withEps = kind == "flsw" && value.GetArrayLength() == arity + 2;
        if (value.GetArrayLength() != arity + 1 && !withEps)
        {
            problem = $"{field} for {kind} must be {(arity == 2 ? "[\"flsw\", beta, gamma] or [\"flsw\", beta, gamma, eps]" : "[\"cwsm\", beta]")}, found {Raw(value)}";
            return null;
        }
        var eps = DefaultEps;
        if (withEps)
        {
            var item = value[3];
            if (item.ValueKind != JsonValueKind.Number || !(item.GetDouble() >= 0))
            {
                problem = $"{field}[3] (eps) must be a number ≥ 0, found {Raw(item)}";
                return null;
            }
            eps = item.GetDouble();
        }
        var numbers = new double[arity];
        for (var i = 0; i < arity; i++)
        {
            var item = value[i + 1];
            if (item.ValueKind != JsonValueKind.Number || !(item.GetDouble() > 0))
            {
                problem = $"{field}[{i + 1}] ({(i == 0 ? "beta" : "gamma")}) must be a positive number, found {Raw(item)}";
                return null;
            }
            numbers[i] = item.GetDouble();
        }
        return new TemperatureSchedulerForm(kind, numbers[0], arity == 2 ? numbers[1] : 0, eps);
    }

    internal static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? "nothing" : value.GetRawText();
}
