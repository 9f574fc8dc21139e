using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;

namespace Distill.DistillStudent.Teachers;

/// <summary>Where a distiller gets the teachers' outputs for a batch: caches read with the batch, or a teacher run now.</summary>
internal interface ITeacherOutputSource
{
    /// <summary>One output per teacher, in the run's teacher order (one for a single-teacher run).</summary>
    IReadOnlyList<AdaptorOutput> Teach(Batch batch);
}
