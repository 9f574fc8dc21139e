namespace Distill.DistillStudent.Configuration;

/// <summary>
/// The typed form of a match's <c>proj</c>: the projection's registered name (built in: <c>linear</c>, <c>relu</c>,
/// <c>tanh</c>, as TextBrewer's PROJ_MAP), the student and teacher feature sizes, and optionally either a saved
/// projection to start from or, as in TextBrewer, the projection's own optimizer settings.
/// </summary>
/// <param name="Kind">the registered projection name (checked against the registry by validation).</param>
/// <param name="StudentDim">Input size: the student's feature width.</param>
/// <param name="TeacherDim">Output size: the teacher's feature width.</param>
/// <param name="InitFrom">
/// Path of a safetensors file holding this projection's weights (for the built-in kinds <c>linear.weight</c>,
/// TeacherDim × StudentDim, and <c>linear.bias</c>): our form of the 4th element, a string; null starts fresh.
/// </param>
/// <param name="Optimizer">TextBrewer's form of the 4th element, a dict: the projection's own optimizer group.</param>
public sealed record Projection(string Kind, int StudentDim, int TeacherDim, string? InitFrom, ProjectionOptimizer? Optimizer = null);

/// <summary>
/// A projection's own optimizer group (TextBrewer's <c>proj[3]</c> dict, added with <c>add_param_group</c>):
/// each value given replaces the run's for the projection's parameters; null keeps the run's. The learning rate
/// follows the run's schedule (warm-up and decay scale it like every group's).
/// </summary>
/// <param name="LearningRate"><c>lr</c>: the projection's peak learning rate</param>
/// <param name="WeightDecay"><c>weight_decay</c></param>
/// <param name="Eps"><c>eps</c> of AdamW</param>
/// <param name="Beta1">the first of <c>betas</c></param>
/// <param name="Beta2">the second of <c>betas</c></param>
public sealed record ProjectionOptimizer(double? LearningRate, double? WeightDecay, double? Eps, double? Beta1, double? Beta2)
{
    /// <summary>The keys the dict may hold (AdamW's group options).</summary>
    public static readonly IReadOnlyList<string> Keys = ["lr", "weight_decay", "eps", "betas"];
}
