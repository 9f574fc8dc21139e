using static TorchSharp.torch;

namespace Distill.DistillStudent.Projections;

/// <summary>
/// Builds a match's projection (TextBrewer's PROJ_MAP entry): any module from the student's feature width to the
/// teacher's, trained with the student and checkpointed beside it. Registered by name in
/// <see cref="Registry.ComponentRegistry.RegisterProjection"/>.
/// </summary>
/// <param name="studentDim">the input width, <c>proj[1]</c></param>
/// <param name="teacherDim">the output width, <c>proj[2]</c></param>
public delegate nn.Module<Tensor, Tensor> ProjectionFactory(int studentDim, int teacherDim);
