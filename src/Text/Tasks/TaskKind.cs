using System.Text.Json.Serialization;
using Distill.Errors;

namespace Distill.Tasks;

/// <summary>The three task kinds, named as on the command line (<c>--task</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskKind>))]
public enum TaskKind
{
    /// <summary>One label per text or text pair; logits (B, C).</summary>
    [JsonStringEnumMemberName("classification")] Classification,
    /// <summary>One label per word (e.g. NER); logits (B, T, C).</summary>
    [JsonStringEnumMemberName("tagging")] Tagging,
    /// <summary>Extractive question answering (SQuAD): start and end logits per token, (B, T, 2).</summary>
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
