
namespace Distill.Tasks;

/// <summary>A data set prepared for one task: features to train on, and the scoring of model outputs against it.</summary>
public interface ITaskData
{
    /// <summary>Classification, tagging or QA: decides the logits' shape and how they are scored.</summary>
    TaskKind Kind { get; }

    /// <summary>The source file, for messages.</summary>
    string Source { get; }

    /// <summary>The encoded features in file order (a long QA context gives several windows, each a feature).</summary>
    IReadOnlyList<TrainingFeature> Features { get; }

    /// <summary>Labels of the task head (empty for QA).</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>What was skipped or truncated while reading and encoding, as counted warnings.</summary>
    IReadOnlyList<string> Warnings { get; }

    /// <summary>Scores the model's logits, one array per feature in <see cref="Features"/> order (real tokens only).</summary>
    EvaluationResult Score(IReadOnlyList<float[]> logits);
}
