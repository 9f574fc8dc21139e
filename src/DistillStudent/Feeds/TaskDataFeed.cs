using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Batches of a task's features held in memory, in a seeded shuffled order per epoch (<see cref="IndexedFeed"/>),
/// grouped by length when the run asks (<see cref="LengthGroups"/>).
/// Used by BasicTrainer and by distillers whose teacher runs online; an online teacher with inputs of its own gets
/// its batch built beside the student's from the same examples (<see cref="Batch.InputsFor"/>).
/// </summary>
internal sealed class TaskDataFeed : IBatchFeed
{
    private readonly IndexedFeed indexed;

    /// <param name="features">the student's features</param>
    /// <param name="kind">the task</param>
    /// <param name="padId">the student tokenizer's padding id</param>
    /// <param name="batchSize">rows per batch</param>
    /// <param name="seed">the run's seed</param>
    /// <param name="groupByLength">batches of similar length (<see cref="LengthGroups"/>)</param>
    public TaskDataFeed(IReadOnlyList<TrainingFeature> features, TaskKind kind, int padId, int batchSize, int seed, bool groupByLength = false)
        : this(features, kind, padId, batchSize, seed, [], groupByLength)
    {
    }

    /// <param name="features">the student's features</param>
    /// <param name="kind">the task</param>
    /// <param name="padId">the student tokenizer's padding id</param>
    /// <param name="batchSize">rows per batch</param>
    /// <param name="seed">the run's seed</param>
    /// <param name="teachers">per online teacher, in the run's teacher order, its own features of the same examples, or null where it takes the student's</param>
    /// <param name="groupByLength">batches of similar length (<see cref="LengthGroups"/>), by the student's lengths</param>
    internal TaskDataFeed(IReadOnlyList<TrainingFeature> features, TaskKind kind, int padId, int batchSize, int seed, IReadOnlyList<TeacherFeatures?> teachers,
        bool groupByLength = false)
    {
        for (var t = 0; t < teachers.Count; t++) teachers[t]?.CheckPairs(features, kind, t);
        indexed = new IndexedFeed(features.Count, batchSize, seed, chunk => Batch.Collate(chunk.Select(i => features[i]).ToList(), kind, padId,
            teacherInputs: teachers.Count == 0 ? null
                : teachers.Select(own => own is null ? null : Batch.Collate(chunk.Select(i => own.Features[i]).ToList(), kind, own.PadId)).ToList()))
        {
            GroupLength = groupByLength ? i => features[i].Text.Length : null,
        };
    }

    public int Count => indexed.Count;

    public int BatchesPerEpoch => indexed.BatchesPerEpoch;

    public IEnumerable<Batch> Epoch(int epoch, int firstBatch) => indexed.Epoch(epoch, firstBatch);
}
