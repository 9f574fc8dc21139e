using Distill.Cache;
using Distill.Models;
using Distill.Tasks;
using static TorchSharp.torch;
using Distill.Batches;

namespace Distill.TeacherBench;

/// <summary>
/// What top-k logits cost and lose: bytes per token, and the error of a KD loss computed from the cached
/// top-k + log-sum-exp (the tail's probability mass as one extra class) against the loss over all classes.
/// </summary>
internal static class TopKExample
{
    public static void Print(string encoderDir, string dataFile, TaskDataSettings settings)
    {
        using var encoder = ModelDirectory.LoadBert(encoderDir);
        var tokenizer = ModelDirectory.LoadTokenizer(encoderDir, encoder.Config);
        var data = TaskDataLoader.Load(TaskKind.Classification, dataFile, tokenizer, null, settings);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var embeddings = encoder.state_dict()["embeddings.word_embeddings.weight"]; // (V, H)
        var texts = data.Features.Take(48).ToList();
        using var batch = EncoderInputs.Pad(texts.Select(f => f.Text).ToList(), tokenizer.PadId);
        var output = encoder.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        var mask = batch.AttentionMask.to(ScalarType.Bool).reshape(-1);
        var teacher = output.LastHiddenState.reshape(-1, encoder.Config.HiddenSize)[mask].matmul(embeddings.t()); // (N, V)
        var student = output.HiddenStates[3].reshape(-1, encoder.Config.HiddenSize)[mask].matmul(embeddings.t());
        var width = (int)teacher.shape[1];
        Console.WriteLine($"top-k on a {width}-class output ({teacher.shape[0]} real tokens; teacher = MiniLM last layer, student = layer 3, both · word embeddingsᵀ):");
        Console.WriteLine($"  full fp32 logits: {width * 4} bytes/token");
        Report(teacher, student, "as computed (a flat distribution: no trained MLM head)");
        // The same outputs made sharper, to show how the error follows the tail mass.
        Report(teacher * 4, student * 4, "logits × 4 (a sharper distribution)");
    }

    private static void Report(Tensor teacher, Tensor student, string label)
    {
        var width = (int)teacher.shape[1];
        var logQ = student.log_softmax(-1);
        var exact = -(teacher.softmax(-1) * logQ).sum(-1); // per token
        Console.WriteLine($"  {label}:");
        foreach (var k in new[] { 8, 32, 128 })
        {
            var (values, indices) = teacher.topk(k, dim: -1);
            var lse = teacher.logsumexp(-1, keepdim: true);
            var p = (values - lse).exp();                                  // exact teacher probabilities of the top k
            var tail = (1 - p.sum(-1)).clamp_min(0);                      // the missing mass, known exactly from lse
            var qTop = logQ.gather(-1, indices);
            var qTail = (1 - qTop.exp().sum(-1)).clamp_min(1e-12).log();
            var approx = -(p * qTop).sum(-1) - tail * qTail;
            var error = ((approx - exact).abs() / exact.abs()).mean().item<float>();
            var bytes = k * (4 + 4) + 4;
            Console.WriteLine($"    top-{k}: {bytes} bytes/token ({(double)width * 4 / bytes:F0}x smaller); mean tail mass {tail.mean().item<float>():F4}; KD loss (T=1) relative error {error:E2}");
        }
    }
}
