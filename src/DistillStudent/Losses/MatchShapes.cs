namespace Distill.DistillStudent.Losses;

/// <summary>
/// What a match loss needs of the shapes of its two sides (after the student's projection), checked on every batch
/// before the loss runs so that a mismatch names the match instead of broadcasting silently or failing inside LibTorch.
/// </summary>
public enum MatchShapes
{
    /// <summary>Identical shapes on both sides (hidden_mse, cos, pkd, the attention losses, fsp/gram).</summary>
    Same,
    /// <summary>Same shape but for the last dimension, the feature width (mmd/nst compare token-by-token similarity matrices).</summary>
    SameButLast,
    /// <summary>Not checked: the loss takes any shapes.</summary>
    Any,
}
