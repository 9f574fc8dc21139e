using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;

namespace Distill.DistillStudent.Teachers;

/// <summary>The teachers as caches: their outputs arrive with each batch (<see cref="CachedTeacherFeed"/>).</summary>
internal sealed class CachedTeacher : ITeacherOutputSource
{
    public IReadOnlyList<AdaptorOutput> Teach(Batch batch) =>
        batch.Teachers.Count > 0 ? batch.Teachers
            : throw new InvalidOperationException("the batch carries no teacher outputs: a cached teacher needs batches from a CachedTeacherFeed");
}
