using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;

namespace Distill.DistillStudent.Teachers;

/// <summary>Where a distiller gets the teacher's outputs for a batch: a cache read with the batch, or a teacher run now.</summary>
public interface ITeacherSource
{
    AdaptorOutput Teach(Batch batch);
}
