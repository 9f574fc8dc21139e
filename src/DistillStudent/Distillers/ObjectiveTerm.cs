using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Training;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// A term a user adds to a distiller's objective without re-implementing it (composition, where TextBrewer subclasses
/// a distiller): registered by name with <see cref="Registry.ComponentRegistry.RegisterObjectiveTerm"/> and named in the
/// distillation config's <c>objective_terms</c>, it is added, weighted, beside the KD, hard-label and intermediate-match
/// terms. It must return a scalar tensor that keeps the graph of the student's outputs (it is back-propagated); it runs
/// once per batch, inside the batch's dispose scope.
/// </summary>
/// <param name="student">the student's adaptor output for the batch</param>
/// <param name="teachers">each teacher's adaptor output for the same batch, in the run's teacher order (one for a single teacher)</param>
/// <param name="progress">where the run is (optimizer steps done and planned, epoch), e.g. for a term of your own schedule</param>
public delegate Tensor ObjectiveTerm(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress);
