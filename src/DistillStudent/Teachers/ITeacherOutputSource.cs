using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;

namespace Distill.DistillStudent.Teachers;

/// <summary>
/// The one teacher abstraction a distiller sees: the teachers' outputs for a batch, whatever the teachers are. Caches
/// (<see cref="CachedTeacher"/>: outputs read with the batch), a TorchSharp module run now (<see cref="OnlineTeacher"/>)
/// and an ONNX graph run now (<see cref="OnlineOnnxTeacher"/>) all answer here; several teachers answer together in the
/// run's teacher order and the distiller takes their (weighted) mean logits (<see cref="TeacherEnsemble"/>).
/// </summary>
internal interface ITeacherOutputSource
{
    /// <summary>One output per teacher, in the run's teacher order (one for a single-teacher run).</summary>
    IReadOnlyList<AdaptorOutput> Teach(Batch batch);
}
