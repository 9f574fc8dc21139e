using System.Text.Json.Serialization;

namespace Distill.DistillStudent.Recipes;

/// <summary>
/// A recipe's <c>augment</c>: the training data and <see cref="Copies"/> copies of each sentence whose words may be
/// replaced by the teacher's embedding neighbours (<see cref="Augmentation.WordNeighbours"/>, as
/// <c>distill-student augment --neighbours</c>), which the teacher labels through the cache. Classification only.
/// </summary>
internal sealed record RecipeAugmentation
{
    [JsonPropertyName("copies")] public int Copies { get; init; } = 8;

    /// <summary>Chance of replacing each word that has neighbours (TinyBERT: 0.4).</summary>
    [JsonPropertyName("replace")] public double Replace { get; init; } = 0.4;

    /// <summary>Neighbours a replacement is drawn from (TinyBERT: 15).</summary>
    [JsonPropertyName("candidates")] public int Candidates { get; init; } = 15;

    /// <summary>The first field out of range, named as in the file; null when all are valid.</summary>
    public string? Problem() =>
        Copies < 1 ? $"augment.copies must be at least 1, found {Copies}"
        : Replace is < 0 or > 1 ? $"augment.replace must be in [0, 1], found {Replace}"
        : Candidates < 1 ? $"augment.candidates must be at least 1, found {Candidates}"
        : null;
}
