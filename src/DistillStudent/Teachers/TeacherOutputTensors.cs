using Distill.DistillStudent.Adaptors;
using Distill.Tasks;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Teachers;

/// <summary>
/// A batch's teacher outputs from a teacher model's per-row arrays (<see cref="TeacherOutput"/>, over each row's real
/// tokens): padded to the batch's longest row, logits in their KD form (<see cref="KdLogits"/>), the hidden states
/// asked for, the input mask. The tensors are those a cache's fp32 rows of the same outputs give.
/// </summary>
internal static class TeacherOutputTensors
{
    /// <param name="outputs">one output per row, in batch order</param>
    /// <param name="lengths">each row's real tokens</param>
    /// <param name="kind">the task: classification logits are per row, the others per token</param>
    /// <param name="logitWidth">logits per position</param>
    /// <param name="hiddenSize">the width of each hidden state</param>
    /// <param name="hiddenLayers">the layers of <see cref="TeacherOutput.Hidden"/>, in its order</param>
    public static AdaptorOutput Build(IReadOnlyList<TeacherOutput> outputs, IReadOnlyList<int> lengths, TaskKind kind, int logitWidth, int hiddenSize, IReadOnlyList<int> hiddenLayers)
    {
        var b = outputs.Count;
        var t = lengths.Max();
        var mask = new long[b * t];
        for (var r = 0; r < b; r++) Array.Fill(mask, 1L, r * t, lengths[r]);
        var maskTensor = tensor(mask, [b, t]);

        var tokenLevel = kind != TaskKind.Classification;
        var positions = tokenLevel ? t : 1;
        var logits = new float[b * positions * logitWidth];
        for (var r = 0; r < b; r++) outputs[r].Logits.CopyTo(logits, r * positions * logitWidth);
        var kdLogits = KdLogits.Of(kind, tensor(logits, tokenLevel ? [b, t, logitWidth] : [b, logitWidth]), maskTensor);

        var hidden = hiddenLayers.Select((layer, i) => (layer, Padded(outputs, i, t, hiddenSize))).ToDictionary(p => p.layer, p => p.Item2);
        return new AdaptorOutput(Logits: kdLogits, LogitsMask: KdLogits.Mask(kind, maskTensor), Hidden: hidden, Attention: new Dictionary<int, Tensor>(), InputMask: maskTensor);
    }

    /// <summary>(B, T, H): each row's T_r × H values of hidden state <paramref name="index"/> in its place, padding left at zero.</summary>
    private static Tensor Padded(IReadOnlyList<TeacherOutput> outputs, int index, int t, int hiddenSize)
    {
        var values = new float[outputs.Count * t * hiddenSize];
        for (var r = 0; r < outputs.Count; r++) outputs[r].Hidden[index].CopyTo(values, r * t * hiddenSize);
        return tensor(values, [outputs.Count, t, hiddenSize]);
    }
}
