using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// Finds the numbers of a configuration that are not finite (<c>--lr Infinity</c>, <c>1e999</c> in a file, NaN):
/// range checks such as "must be positive" let Infinity through, and a run that starts with one fails much
/// later (a NaN loss, or a run file JSON cannot hold). Walks every <see cref="JsonPropertyNameAttribute"/>
/// property, into nested configuration records and lists, so that a field added later is checked too.
/// </summary>
internal static class FiniteNumbers
{
    /// <summary>One problem per non-finite number, named by its JSON path, e.g. <c>intermediate_matches[1].weight</c>.</summary>
    public static IReadOnlyList<string> Problems(object config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<string>();
        Walk(config, "", problems);
        return problems;
    }

    private static void Walk(object config, string prefix, List<string> problems)
    {
        foreach (var property in config.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } json || property.GetIndexParameters().Length > 0) continue;
            Check(property.GetValue(config), prefix + json.Name, problems);
        }
    }

    private static void Check(object? value, string name, List<string> problems)
    {
        switch (value)
        {
            case double d when !double.IsFinite(d):
                problems.Add($"{name} must be a finite number, found {d.ToString(CultureInfo.InvariantCulture)}");
                break;
            case float f when !float.IsFinite(f):
                problems.Add($"{name} must be a finite number, found {f.ToString(CultureInfo.InvariantCulture)}");
                break;
            case null or string or JsonElement or JsonDocument or System.Text.Json.Nodes.JsonNode:
                break;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items) Check(item, $"{name}[{i++}]", problems);
                break;
            default:
                var type = value.GetType();
                if (!type.IsPrimitive && !type.IsEnum && type.Namespace?.StartsWith("Distill", StringComparison.Ordinal) == true) Walk(value, name + ".", problems);
                break;
        }
    }
}
