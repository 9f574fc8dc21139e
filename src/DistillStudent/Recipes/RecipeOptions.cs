using Distill.Tasks;

namespace Distill.DistillStudent.Recipes;

/// <summary>What <c>distill-student recipe</c> maps its flags onto.</summary>
internal sealed record RecipeOptions
{
    /// <summary>The fine-tuned teacher's task model directory (e.g. a train run's best/).</summary>
    public required string Teacher { get; init; }

    public required string TrainFile { get; init; }

    /// <summary>Selects the best checkpoint, and both models' accuracies are reported on it.</summary>
    public required string DevFile { get; init; }

    /// <summary>The run's directory: the student ends in OUT/best; OUT/student-init and OUT/cache are kept for a rerun to resume.</summary>
    public required string OutputDir { get; init; }

    /// <summary>The recipe file (default: recipe.json beside the executable, a copy of pipelines/recipe.json).</summary>
    public required string Recipe { get; init; }

    public TaskKind Task { get; init; } = TaskKind.Classification;

    /// <summary>Student depth, copied from the teacher's layers ⌊s·L / N⌋; null: the recipe's student_layers.</summary>
    public int? Layers { get; init; }

    /// <summary>A random student of a TextBrewer shape instead of teacher layers.</summary>
    public string? Preset { get; init; }

    /// <summary>A student vocabulary of this many of the teacher's pieces, those the training data uses most (build-vocab).</summary>
    public int? VocabSize { get; init; }

    public int Threads { get; init; } = 1;
}
