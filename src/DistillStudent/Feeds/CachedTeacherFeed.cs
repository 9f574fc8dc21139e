using Distill.CrossVocabulary;
using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Streams a teacher cache and joins each row to the student's feature with the same feature id, so that every
/// batch carries the student's inputs and labels and the teacher's outputs for the same examples. The epoch
/// order is the cache reader's seeded shuffle (shards, row groups, a bounded buffer), so memory stays bounded
/// whatever the cache size; only the columns the distiller reads are read, and a resumed epoch starts after the
/// batches already taken. Each shard is hashed in the first epoch that reads it, not again in later ones (<see cref="VerifiedShards"/>).
/// With several caches (a multi-teacher run) the first one streams and sets the order; the others are joined by
/// feature id from memory, where they are held once, in their stored dtype, with only the columns the run reads
/// from them (the logits, unless matches name that teacher): put the teacher whose layers are matched first.
/// A student with its own vocabulary gets each teacher's token-level outputs aligned to its own tokens through the
/// character offsets both sides keep (<see cref="TokenAlignment"/>). A QA student with its own vocabulary cuts other
/// windows than the teacher, so its feature ids are not the cache's: its rows are joined per example instead, each
/// student window to all the teacher windows of its example (<see cref="QaWindowJoin"/>). Then every cache is held in
/// memory (the columns read only) and the epoch order is a seeded shuffle of the student's windows.
/// Grouped by length (<see cref="LengthGroups"/>), the stream is cut into groups by the student's lengths, and a
/// resumed epoch skips whole groups in the reader and the rest of its group here.
/// </summary>
internal sealed class CachedTeacherFeed : IBatchFeed
{
    private readonly IReadOnlyList<TeacherCache> caches;
    private readonly IReadOnlyList<TrainingFeature> featureList;
    private readonly Dictionary<string, TrainingFeature> features;
    private readonly TaskKind kind;
    private readonly int padId;
    private readonly int batchSize;
    private readonly int seed;
    private readonly CacheReaderOptions readerOptions;
    private readonly string? task;
    private readonly bool sameTokens;
    private readonly bool joinsExamples;
    private readonly bool groupByLength;
    private readonly VerifiedShards verified = new();
    private IReadOnlyList<HeldCache>? held;

    /// <param name="caches">the teachers' caches, in the run's teacher order, with the layers read from each</param>
    /// <param name="features">the student's features of the same data</param>
    /// <param name="kind">the task</param>
    /// <param name="padId">the student's padding id</param>
    /// <param name="batchSize">rows per batch</param>
    /// <param name="seed">the run's seed; each epoch reads in the order of its own derived seed</param>
    /// <param name="readerOptions">buffer and prefetch settings (shuffle and seed are set per epoch)</param>
    /// <param name="task">the task name the batches carry in a multi-task run</param>
    /// <param name="sameTokens">whether the student tokenizes with the teacher's vocabulary, so each row's token ids must be the
    /// student's; false for a student with its own vocabulary, whose rows are joined by feature id and whose token-level
    /// targets are aligned to its tokens, and, for QA, whose windows are joined per example (see <see cref="Runs.CacheChecks.SharesVocabulary"/>)</param>
    /// <param name="groupByLength">batches of similar length (<see cref="LengthGroups"/>), by the student's lengths</param>
    public CachedTeacherFeed(IReadOnlyList<TeacherCache> caches, IReadOnlyList<TrainingFeature> features, TaskKind kind, int padId, int batchSize, int seed,
        CacheReaderOptions? readerOptions = null, string? task = null, bool sameTokens = true, bool groupByLength = false)
    {
        ArgumentOutOfRangeException.ThrowIfZero(caches.Count);
        this.caches = caches;
        featureList = features;
        this.features = features.ToDictionary(f => f.FeatureId, StringComparer.Ordinal);
        this.kind = kind;
        this.padId = padId;
        this.batchSize = batchSize;
        this.seed = seed;
        this.readerOptions = readerOptions ?? new CacheReaderOptions();
        this.task = task;
        this.sameTokens = sameTokens;
        this.groupByLength = groupByLength;
        joinsExamples = kind == TaskKind.Qa && !sameTokens;
        Count = features.Count;
    }

    public int Count { get; }

    public int BatchesPerEpoch => (Count + batchSize - 1) / batchSize;

    public IEnumerable<Batch> Epoch(int epoch, int firstBatch)
    {
        held ??= caches.Skip(joinsExamples ? 0 : 1).Select(Hold).ToList();
        return joinsExamples ? JoinedEpoch(epoch, firstBatch, held) : StreamedEpoch(epoch, firstBatch, held);
    }

    private IEnumerable<Batch> JoinedEpoch(int epoch, int firstBatch, IReadOnlyList<HeldCache> held)
    {
        foreach (var chunk in LengthGroups.Epoch(Count, batchSize, seed, epoch, firstBatch, groupByLength ? i => featureList[i].Text.Length : null))
        {
            var students = chunk.Select(i => featureList[i]).ToList();
            var teachers = held.Select(cache =>
            {
                var windows = students.Select(s => cache.Windows(s.ExampleId)).ToList();
                var joins = windows.Select((rows, i) => QaWindowJoin.Build(rows.Select(Spans).ToList(), TokenSpans.Of(students[i].Text))).ToList();
                return TeacherTensors.Build(windows, joins, cache.Spec, cache.Columns);
            }).ToList();
            yield return Batch.Collate(students, kind, padId, teachers, task);
        }
    }

    private IEnumerable<Batch> StreamedEpoch(int epoch, int firstBatch, IReadOnlyList<HeldCache> held)
    {
        var lead = caches[0];
        var epochSeed = EpochOrder.Seed(seed, epoch);
        var firstGroup = groupByLength ? firstBatch / LengthGroups.GroupBatches : 0;
        var reader = CacheReader.Open(lead.Dir, readerOptions with
        {
            Shuffle = true,
            Seed = epochSeed,
            SkipRows = groupByLength ? (long)firstGroup * LengthGroups.GroupBatches * batchSize : (long)firstBatch * batchSize,
            Columns = Columns(lead),
            Verified = readerOptions.Verified ?? verified,
        });
        try
        {
            var stream = reader.ReadAllAsync().ToBlockingEnumerable();
            var chunks = groupByLength
                ? LengthGroups.Batches(stream, StudentLength, batchSize, epochSeed, firstGroup).Skip(firstBatch - firstGroup * LengthGroups.GroupBatches)
                : stream.Chunk(batchSize);
            foreach (var chunk in chunks)
            {
                var joined = chunk.Select(row => Join(lead.Dir, row)).ToList();
                var teachers = new List<AdaptorOutput> { TeacherTensors.Build(chunk, reader.Spec, reader.Columns, kind, Alignments(chunk, joined)) };
                foreach (var other in held)
                {
                    var rows = chunk.Select(row => other.Row(row.FeatureId)).ToList();
                    foreach (var row in rows) Join(other.Dir, row);
                    teachers.Add(TeacherTensors.Build(rows, other.Spec, other.Columns, kind, Alignments(rows, joined)));
                }
                yield return Batch.Collate(joined, kind, padId, teachers, task);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // A row missing from the student's data sorts anywhere: Join reports it.
    private int StudentLength(CacheReadRow row) => features.TryGetValue(row.FeatureId, out var feature) ? feature.Text.Length : row.InputIds.Length;

    private IReadOnlyList<TokenAlignment>? Alignments(IReadOnlyList<CacheReadRow> rows, IReadOnlyList<TrainingFeature> students) => sameTokens ? null
        : rows.Select((row, i) => TokenAlignment.Build(Spans(row), TokenSpans.Of(students[i].Text))).ToList();

    private static TokenSpans Spans(CacheReadRow row) => new(row.Offsets, row.Segments);

    private static CacheColumns Columns(TeacherCache cache) =>
        new() { HiddenLayers = cache.HiddenLayers, AttentionLayers = cache.AttentionLayers, ProjectionLayers = cache.ProjectionLayers, Pooled = false };

    private HeldCache Hold(TeacherCache cache)
    {
        var reader = CacheReader.Open(cache.Dir, readerOptions with { Shuffle = false, Columns = Columns(cache) });
        try
        {
            var rows = reader.ReadAllAsync().ToBlockingEnumerable().ToDictionary(r => r.FeatureId, StringComparer.Ordinal);
            return new HeldCache(cache.Dir, reader.Spec, reader.Columns, rows);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private TrainingFeature Join(string cacheDir, CacheReadRow row)
    {
        if (!features.TryGetValue(row.FeatureId, out var feature))
        {
            throw new CacheFormatException($"{cacheDir}: feature \"{row.FeatureId}\" is in the cache but not in the student's data; the cache was made from other data");
        }
        if (sameTokens && !feature.Text.Ids.AsSpan().SequenceEqual(row.InputIds))
        {
            throw new CacheFormatException($"{cacheDir}: feature \"{row.FeatureId}\": the teacher's tokens differ from the student's "
                + $"({row.InputIds.Length} vs {feature.Text.Length} tokens); teacher and student must share the vocabulary and max_seq_length");
        }
        return feature;
    }

    private sealed record HeldCache(string Dir, CacheSpec Spec, CacheColumns Columns, Dictionary<string, CacheReadRow> Rows)
    {
        private Dictionary<string, IReadOnlyList<CacheReadRow>>? byExample;

        public CacheReadRow Row(string featureId) => Rows.TryGetValue(featureId, out var row) ? row
            : throw new CacheFormatException($"{Dir}: feature \"{featureId}\" of the first teacher's cache is missing; every teacher's cache must cover the same examples");

        /// <summary>An example's windows in context order (of their first context token's offset).</summary>
        public IReadOnlyList<CacheReadRow> Windows(string exampleId)
        {
            byExample ??= Rows.Values.GroupBy(r => r.ExampleId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<CacheReadRow>)g.OrderBy(FirstContextOffset).ToList(), StringComparer.Ordinal);
            return byExample.TryGetValue(exampleId, out var windows) ? windows
                : throw new CacheFormatException($"{Dir}: example \"{exampleId}\" of the student's data has no window in the cache; the cache was made from other data");
        }

        private static int FirstContextOffset(CacheReadRow row)
        {
            var first = Array.IndexOf(row.Segments, 1);
            return first < 0 ? int.MaxValue : row.Offsets[2 * first];
        }
    }
}
