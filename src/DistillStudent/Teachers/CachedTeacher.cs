using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;

namespace Distill.DistillStudent.Teachers;

/// <summary>The teacher as a cache: its outputs arrive with each batch (<see cref="CachedTeacherFeed"/>).</summary>
public sealed class CachedTeacher : ITeacherSource
{
    public AdaptorOutput Teach(Batch batch) =>
        batch.Teacher ?? throw new InvalidOperationException("the batch carries no teacher outputs: a cached teacher needs batches from a CachedTeacherFeed");
}
