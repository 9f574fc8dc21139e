using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// One intermediate match's loss, TextBrewer's match-loss signature. The lists hold one feature per side, or two
/// for pair losses (fsp, gram, mmd, nst). Hidden states are (B, T, H); attentions are (B, heads, T, T)
/// probabilities, as our cache stores them (TextBrewer's are pre-softmax scores). <paramref name="mask"/> is the
/// (B, T) input mask, 1 for real tokens, or null. Returns a scalar.
/// </summary>
public delegate Tensor MatchLoss(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor? mask);
