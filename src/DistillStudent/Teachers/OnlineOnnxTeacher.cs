using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;

namespace Distill.DistillStudent.Teachers;

/// <summary>
/// A teacher of the Shared <see cref="ITeacherModel"/> kind (the ONNX teacher that <c>cache-teacher run --onnx</c> runs)
/// run on every batch: its per-row outputs take the form of cached rows at fp32, so that they become a batch's
/// teacher tensors exactly as a cache's rows do (<see cref="TeacherTensors"/>), padding and KD form included.
/// The teacher reads the student's features, so both must tokenize alike (checked before the run).
/// </summary>
internal sealed class OnlineOnnxTeacher : ITeacherOutputSource
{
    private readonly ITeacherModel teacher;
    private readonly Dictionary<string, TrainingFeature> features;
    private readonly TaskKind kind;
    private readonly TeacherRequest request;
    private readonly CacheSpec spec;
    private readonly CacheColumns columns;

    /// <param name="teacher">the teacher, whose logits have the student's width</param>
    /// <param name="features">the student's features, which the batches' feature ids name</param>
    /// <param name="kind">the task</param>
    /// <param name="hiddenLayers">the teacher hidden layers the matches read</param>
    public OnlineOnnxTeacher(ITeacherModel teacher, IReadOnlyList<TrainingFeature> features, TaskKind kind, IReadOnlyList<int> hiddenLayers)
    {
        this.teacher = teacher;
        this.features = features.ToDictionary(f => f.FeatureId, StringComparer.Ordinal);
        this.kind = kind;
        request = new TeacherRequest(hiddenLayers, [], Pooled: false);
        spec = new CacheSpec
        {
            Task = kind.Name(), LogitWidth = teacher.LogitWidth, TokenLevelLogits = kind != TaskKind.Classification, HiddenLayers = hiddenLayers,
            HiddenSize = teacher.HiddenSize, NumHeads = teacher.NumHeads, DType = CacheDType.Fp32,
        };
        columns = new CacheColumns { HiddenLayers = hiddenLayers, AttentionLayers = [], Pooled = false };
    }

    public IReadOnlyList<AdaptorOutput> Teach(Batch batch)
    {
        var rows = batch.FeatureIds.Select(id => features[id]).ToList();
        var outputs = teacher.Run(rows, request);
        return [TeacherTensors.Build(rows.Select((f, i) => Row(f, outputs[i])).ToList(), spec, columns, kind)];
    }

    /// <summary>
    /// Runs the teacher on one feature so that an output mapped to the wrong graph output (logits of another width,
    /// hidden states of another size) fails before anything is written: the ONNX teacher checks each output's shape.
    /// </summary>
    public void Probe() => teacher.Run([features.Values.First()], request);

    private static CacheReadRow Row(TrainingFeature feature, TeacherOutput output) =>
        new(feature.FeatureId, feature.ExampleId, feature.Text.Ids, [], [], output.Logits, output.Hidden.Select(h => CachedTensor.FromFloats(h)).ToList(), [], null);
}
