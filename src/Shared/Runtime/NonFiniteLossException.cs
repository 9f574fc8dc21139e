using Distill.Errors;

namespace Distill.Runtime;

/// <summary>
/// A training step's loss, one of its terms or its gradient norm went NaN or infinite (the run diverged): the step
/// was stopped before the optimizer touched the weights. The message names the step and what went non-finite.
/// </summary>
internal sealed class NonFiniteLossException(string message) : Exception(message), IKindedException
{
    /// <summary>A state the run cannot go on from with these settings (lower the learning rate, clip, or skip such batches): exit 5, as before.</summary>
    public ErrorKind Kind => ErrorKind.Environment;
}
