using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Projections;

/// <summary>
/// Maps a student feature to the teacher's width before an intermediate match (TextBrewer's <c>proj</c>):
/// a linear layer, optionally followed by ReLU or tanh. Trained with the student, checkpointed beside it.
/// </summary>
public sealed class ProjectionLayer : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear;
    private readonly string kind;

    public ProjectionLayer(string kind, int studentDim, int teacherDim) : base(nameof(ProjectionLayer))
    {
        var kinds = Configuration.Projection.Kinds;
        if (!kinds.Contains(kind)) throw new Models.ConfigException($"projection \"{kind}\" is not known; known: {string.Join(", ", kinds)}");
        this.kind = kind;
        linear = nn.Linear(studentDim, teacherDim);
        RegisterComponents();
    }

    /// <param name="input">(..., dim_S)</param>
    /// <returns>(..., dim_T)</returns>
    public override Tensor forward(Tensor input)
    {
        var projected = linear.call(input);
        return kind switch
        {
            "relu" => nn.functional.relu(projected),
            "tanh" => projected.tanh(),
            _ => projected,
        };
    }
}
