using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Models.Heads;

/// <summary>
/// A task model's output: logits (classification (B, C); tagging (B, T, C); QA (B, T, 2) with start at [..., 0]
/// and end at [..., 1]) and the encoder's outputs, which distillers match at intermediate layers.
/// </summary>
internal sealed record TaskOutput(Tensor Logits, BertModelOutput Encoder);
