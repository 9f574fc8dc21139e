using System.Globalization;
using System.Text.Json;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// One parameter of a temperature scheduler's builder (TextBrewer's <c>flsw_temperature_scheduler_builder(beta,
/// gamma, eps=1e-4)</c>): its name, its default (null: required), whether it must be positive, and whether 0 is
/// allowed as well (flsw's eps: 0 is TextBrewer's division by the bare norm).
/// </summary>
/// <param name="Name">the key it takes in the dict form of the config, e.g. <c>beta</c></param>
/// <param name="Default">its value when the config leaves it out; null: required</param>
/// <param name="Positive">whether it must be greater than 0</param>
/// <param name="ZeroAllowed">with <paramref name="Positive"/>, whether 0 is accepted too</param>
public sealed record TemperatureParameter(string Name, double? Default = null, bool Positive = true, bool ZeroAllowed = false);

/// <summary>
/// The one reading of TextBrewer's <c>temperature_scheduler</c> value, the forms its <c>DynamicKeyDict</c> takes:
/// a name (<c>"none"</c>, <c>"constant"</c>), or a list of the name and its builder's arguments, positional
/// (<c>["flsw", beta, gamma]</c>, <c>["flsw", beta, gamma, eps]</c>, <c>["cwsm", beta]</c>) or as one dict
/// (<c>["flsw", {"beta": 1, "gamma": 2, "eps": 1e-4}]</c>). Which names exist and what arguments each takes is the
/// registry's (<see cref="IComponentCatalog"/>); this type only reads the shape and, given a builder's parameters,
/// its numbers.
/// </summary>
/// <param name="Name">the scheduler's name; <c>"none"</c> for no scheduler</param>
/// <param name="Positional">the numbers after the name, in order (empty with the dict form)</param>
/// <param name="Named">the dict form's numbers by name (empty with the positional form)</param>
public sealed record TemperatureSchedulerForm(string Name, IReadOnlyList<double> Positional, IReadOnlyDictionary<string, double> Named)
{
    private const string Expected = "\"none\", \"constant\", or [name, arguments...] / [name, {arguments}] such as [\"flsw\", beta, gamma] or [\"cwsm\", {\"beta\": 1}]";

    /// <summary>No scheduler: the base temperature throughout.</summary>
    public static TemperatureSchedulerForm None { get; } = new("none", [], new Dictionary<string, double>());

    /// <summary>Reads the shape of <paramref name="value"/>; on a bad one returns null and a message naming <paramref name="field"/>.</summary>
    public static TemperatureSchedulerForm? TryParse(JsonElement value, string field, out string? problem)
    {
        problem = null;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } name)
        {
            return new TemperatureSchedulerForm(name, [], new Dictionary<string, double>());
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value[0].ValueKind != JsonValueKind.String)
        {
            problem = $"{field} must be {Expected}, found {Raw(value)}";
            return null;
        }
        var kind = value[0].GetString()!;
        if (value.GetArrayLength() == 2 && value[1].ValueKind == JsonValueKind.Object)
        {
            var named = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in value[1].EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number)
                {
                    problem = $"{field}[1].{property.Name} must be a number, found {Raw(property.Value)}";
                    return null;
                }
                named[property.Name] = property.Value.GetDouble();
            }
            return new TemperatureSchedulerForm(kind, [], named);
        }
        var numbers = new List<double>();
        for (var i = 1; i < value.GetArrayLength(); i++)
        {
            if (value[i].ValueKind != JsonValueKind.Number)
            {
                problem = $"{field}[{i}] must be a number (or the list's only argument a dict of them), found {Raw(value[i])}";
                return null;
            }
            numbers.Add(value[i].GetDouble());
        }
        return new TemperatureSchedulerForm(kind, numbers, new Dictionary<string, double>());
    }

    /// <summary>
    /// The builder's arguments in the order of <paramref name="parameters"/>, defaults filled in; each missing,
    /// unknown, surplus or non-positive one goes into <paramref name="problems"/> naming its place in <paramref name="field"/>.
    /// </summary>
    public double[] Read(string field, IReadOnlyList<TemperatureParameter> parameters, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(problems);
        var signature = $"[\"{Name}\"{string.Concat(parameters.Select(p => p.Default is null ? $", {p.Name}" : $", {p.Name}?"))}]";
        var values = new double[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var place = Named.Count > 0 ? $"{field}[1].{parameter.Name}" : $"{field}[{i + 1}] ({parameter.Name})";
            double? given = Named.Count > 0
                ? Named.TryGetValue(parameter.Name, out var v) ? v : null
                : i < Positional.Count ? Positional[i] : null;
            if (given is null && parameter.Default is null)
            {
                problems.Add($"{field} \"{Name}\" needs {parameter.Name}: {signature}");
                continue;
            }
            values[i] = given ?? parameter.Default!.Value;
            if (parameter.Positive && !(values[i] > 0 || (parameter.ZeroAllowed && values[i] == 0)))
            {
                problems.Add($"{place} must be a {(parameter.ZeroAllowed ? "number ≥ 0" : "positive number")}, found {values[i].ToString(CultureInfo.InvariantCulture)}");
            }
        }
        if (Positional.Count > parameters.Count)
        {
            problems.Add($"{field} for {Name} takes {parameters.Count} argument(s) {signature}, found {Positional.Count}");
        }
        foreach (var unknown in Named.Keys.Where(k => parameters.All(p => p.Name != k)))
        {
            problems.Add($"{field}[1].{unknown} is not an argument of {Name}; it takes {signature}");
        }
        return values;
    }

    internal static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? "nothing" : value.GetRawText();
}
