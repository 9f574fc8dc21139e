using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.IO;

namespace Distill.DistillStudent.Training;

/// <summary>Where a run stands at a checkpoint: enough, with the weights, optimizer and RNG state, to resume exactly.</summary>
internal sealed record TrainerState
{
    public const string FileName = "trainer_state.json";

    [JsonPropertyName("global_step")] public long GlobalStep { get; init; }
    /// <summary>The epoch to continue in.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }
    /// <summary>The index of the next batch of that epoch.</summary>
    [JsonPropertyName("next_batch")] public int NextBatch { get; init; }
    /// <summary>The dev metric that ranks checkpoints (null without dev data).</summary>
    [JsonPropertyName("main_metric")] public string? MainMetric { get; init; }
    [JsonPropertyName("best_metric")] public double? BestMetric { get; init; }
    [JsonPropertyName("best_step")] public long? BestStep { get; init; }
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    /// <summary>Optimizer steps skipped so far because a batch of theirs had a non-finite loss or gradient (<c>skip_nonfinite_batches</c>).</summary>
    [JsonPropertyName("skipped_steps")] public long SkippedSteps { get; init; }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static TrainerState Load(string path) => JsonFile.Read<TrainerState>(path, "trainer state", Options, message => new InvalidDataException(message));

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options) + "\n");
}
