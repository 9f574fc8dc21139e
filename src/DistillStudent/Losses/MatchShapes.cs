namespace Distill.DistillStudent.Losses;

/// <summary>
/// What a match loss needs of the shapes of its two sides (after the student's projection), checked on every batch
/// before the loss runs so that a mismatch names the match instead of broadcasting silently or failing inside LibTorch.
/// </summary>
public enum MatchShapes
{
    /// <summary>Identical shapes on both sides (hidden_mse, cos, pkd, attention_mse, attention_ce, fsp/gram).</summary>
    Same,
    /// <summary>Attention maps (batch, heads, T, T) of the same shape but for the heads: the loss sums or averages over them (attention_mse_sum, attention_ce_mean).</summary>
    SameButHeads,
    /// <summary>Same shape but for the last dimension, the feature width (mmd/nst compare token-by-token similarity matrices).</summary>
    SameButLast,
    /// <summary>Not checked: the loss takes any shapes.</summary>
    Any,
}
