using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Projections;

/// <summary>
/// Maps a student feature to the teacher's width before an intermediate match (TextBrewer's <c>proj</c>):
/// a linear layer, optionally followed by ReLU or tanh. Trained with the student, checkpointed beside it. The
/// weight starts from N(0, 0.02) and the bias from 0, as TextBrewer's <c>PROJ_MAP</c> layers (its
/// <c>initializer_builder(0.02)</c>), not from the default Linear initialisation.
/// </summary>
internal sealed class ProjectionLayer : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear;
    private readonly string kind;

    /// <summary>TextBrewer's standard deviation for a projection's initial weight.</summary>
    public const double InitStd = 0.02;

    /// <summary>The kinds this layer implements, registered under these names in <see cref="Registry.ComponentRegistry"/> (TextBrewer's PROJ_MAP).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["linear", "relu", "tanh"];

    public ProjectionLayer(string kind, int studentDim, int teacherDim) : base(nameof(ProjectionLayer))
    {
        if (!Kinds.Contains(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, $"a ProjectionLayer is one of {string.Join(", ", Kinds)}; register other projections in ComponentRegistry");
        this.kind = kind;
        linear = nn.Linear(studentDim, teacherDim);
        using (no_grad())
        {
            nn.init.normal_(linear.weight!, 0.0, InitStd);
            nn.init.zeros_(linear.bias!);
        }
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
