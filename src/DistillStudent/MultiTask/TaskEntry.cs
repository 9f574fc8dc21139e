using System.Text.Json.Serialization;

namespace Distill.DistillStudent.MultiTask;

/// <summary>One task of a multi-task run: its name (the head's, and the directory of its saved model), kind, data and teacher cache.</summary>
internal sealed record TaskEntry
{
    /// <summary>Letters, digits, '_' and '-': it names a head in the state dict and a directory.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary><c>classification</c> or <c>tagging</c>.</summary>
    [JsonPropertyName("task")] public string? Task { get; init; }
    [JsonPropertyName("train")] public string? Train { get; init; }
    [JsonPropertyName("dev")] public string? Dev { get; init; }
    /// <summary>The task's teacher cache (cache-teacher run over <c>train</c>).</summary>
    [JsonPropertyName("cache")] public string? Cache { get; init; }
}
