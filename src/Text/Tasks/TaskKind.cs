using System.Text.Json.Serialization;
using Distill.Errors;

namespace Distill.Tasks;

/// <summary>The three task kinds, named as on the command line (<c>--task</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskKind>))]
public enum TaskKind
{
    [JsonStringEnumMemberName("classification")] Classification,
    [JsonStringEnumMemberName("tagging")] Tagging,
    [JsonStringEnumMemberName("qa")] Qa,
}

internal static class TaskKinds
{
    public static readonly IReadOnlyList<string> Names = ["classification", "tagging", "qa"];

    public static TaskKind Parse(string name, string source) => name switch
    {
        "classification" => TaskKind.Classification,
        "tagging" => TaskKind.Tagging,
        "qa" => TaskKind.Qa,
        _ => throw new ConfigException($"{source}: task \"{name}\" is not known; known: {string.Join(", ", Names)}"),
    };

    public static string Name(this TaskKind kind) => Names[(int)kind];
}
