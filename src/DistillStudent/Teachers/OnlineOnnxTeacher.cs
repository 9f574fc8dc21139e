using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;

namespace Distill.DistillStudent.Teachers;

/// <summary>
/// A teacher of the Shared <see cref="ITeacherModel"/> kind (the ONNX teacher that <c>cache-teacher run --onnx</c> runs)
/// run on every batch: it reads the features the batch was collated from (the student's, or its own built beside
/// them, <see cref="Batch.InputsFor"/>) and its per-row outputs become the batch's teacher tensors
/// (<see cref="TeacherOutputTensors"/>), padding and KD form included. On the student's features both must tokenize
/// alike (checked before the run).
/// </summary>
internal sealed class OnlineOnnxTeacher : ITeacherOutputSource
{
    private readonly ITeacherModel teacher;
    private readonly TaskKind kind;
    private readonly IReadOnlyList<int> hiddenLayers;
    private readonly TeacherRequest request;
    private readonly int inputs;

    /// <param name="teacher">the teacher, whose logits have the student's width</param>
    /// <param name="kind">the task</param>
    /// <param name="hiddenLayers">the teacher hidden layers the matches read</param>
    public OnlineOnnxTeacher(ITeacherModel teacher, TaskKind kind, IReadOnlyList<int> hiddenLayers)
        : this(teacher, kind, hiddenLayers, inputs: 0)
    {
    }

    /// <param name="teacher">the teacher, whose logits have the student's width</param>
    /// <param name="kind">the task</param>
    /// <param name="hiddenLayers">the teacher hidden layers the matches read</param>
    /// <param name="inputs">which teacher's inputs of the batch it reads (<see cref="Batch.InputsFor"/>)</param>
    internal OnlineOnnxTeacher(ITeacherModel teacher, TaskKind kind, IReadOnlyList<int> hiddenLayers, int inputs)
    {
        this.teacher = teacher;
        this.kind = kind;
        this.hiddenLayers = hiddenLayers;
        this.inputs = inputs;
        request = new TeacherRequest(hiddenLayers, [], Pooled: false);
    }

    public IReadOnlyList<AdaptorOutput> Teach(Batch batch)
    {
        var rows = batch.InputsFor(inputs).Features
            ?? throw new InvalidOperationException("an ONNX teacher reads the features a batch was collated from; this batch was built from tensors");
        var outputs = teacher.Run(rows, request);
        return [TeacherOutputTensors.Build(outputs, rows.Select(f => f.Text.Length).ToList(), kind, teacher.LogitWidth, teacher.HiddenSize, hiddenLayers)];
    }

    /// <summary>
    /// Runs the teacher on one feature so that an output mapped to the wrong graph output (logits of another width,
    /// hidden states of another size) fails before anything is written: the ONNX teacher checks each output's shape.
    /// </summary>
    public void Probe(TrainingFeature feature) => teacher.Run([feature], request);
}
