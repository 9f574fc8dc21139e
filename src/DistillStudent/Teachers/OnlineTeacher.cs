using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Teachers;

/// <summary>
/// A teacher model run on every batch (TextBrewer's way): eval mode, no gradients. It reads the student's inputs, or
/// the inputs the feed built for it from the same examples (<see cref="Batch.InputsFor"/>).
/// </summary>
internal sealed class OnlineTeacher : ITeacherOutputSource
{
    private readonly AdaptedModel teacher;
    private readonly int inputs;

    /// <param name="teacher">the teacher and its adaptor</param>
    public OnlineTeacher(AdaptedModel teacher)
        : this(teacher, inputs: 0)
    {
    }

    /// <param name="teacher">the teacher and its adaptor</param>
    /// <param name="inputs">which teacher's inputs of the batch it reads (<see cref="Batch.InputsFor"/>)</param>
    internal OnlineTeacher(AdaptedModel teacher, int inputs)
    {
        this.teacher = teacher;
        this.inputs = inputs;
    }

    public IReadOnlyList<AdaptorOutput> Teach(Batch batch)
    {
        teacher.Module.eval();
        using var _ = no_grad();
        return [teacher.Run(batch.InputsFor(inputs))];
    }
}
