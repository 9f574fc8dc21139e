using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Teachers;

/// <summary>A teacher model run on every batch (TextBrewer's way): eval mode, no gradients.</summary>
internal sealed class OnlineTeacher(AdaptedModel teacher) : ITeacherOutputSource
{
    public IReadOnlyList<AdaptorOutput> Teach(Batch batch)
    {
        teacher.Module.eval();
        using var _ = no_grad();
        return [teacher.Run(batch)];
    }
}
