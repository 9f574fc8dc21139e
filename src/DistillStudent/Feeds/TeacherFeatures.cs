using Distill.Models;
using Distill.Tasks;
using Distill.Errors;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// An online teacher's own features of the student's examples (TextBrewer lets each model take its own inputs): the
/// same examples in the same order, tokenized with the teacher's tokenizer and max length, and its padding id. The feed
/// collates them beside the student's rows, so that row r of both batches is the same example.
/// </summary>
/// <param name="Features">one feature per student feature, of the same example, in the same order</param>
/// <param name="PadId">the teacher tokenizer's padding id</param>
internal sealed record TeacherFeatures(IReadOnlyList<TrainingFeature> Features, int PadId)
{
    /// <summary>
    /// Fails unless <see cref="Features"/> pair one to one with <paramref name="student"/> by example. Only sequence-level
    /// outputs pair across tokenizations without an alignment, so the task must be classification.
    /// </summary>
    public void CheckPairs(IReadOnlyList<TrainingFeature> student, TaskKind kind, int teacher)
    {
        if (kind != TaskKind.Classification)
        {
            throw new ConfigException($"teacher {teacher} takes inputs of its own, which pair with the student's only for classification; the task is {kind.Name()}");
        }
        if (Features.Count != student.Count)
        {
            throw new ConfigException($"teacher {teacher}'s own features: expected one per student feature ({student.Count}), found {Features.Count}");
        }
        for (var i = 0; i < student.Count; i++)
        {
            if (!string.Equals(Features[i].ExampleId, student[i].ExampleId, StringComparison.Ordinal))
            {
                throw new ConfigException($"teacher {teacher}'s own features: feature {i} is of example \"{Features[i].ExampleId}\", the student's of \"{student[i].ExampleId}\"; both must follow the same examples in the same order");
            }
        }
    }
}
