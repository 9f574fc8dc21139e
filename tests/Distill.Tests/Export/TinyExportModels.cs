using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Tests.Export;

/// <summary>Tiny random BERT models for export tests: hidden 32, 2 layers, 4 heads, positions up to 512.</summary>
internal static class TinyExportModels
{
    public static BertConfig Config(string act = "gelu") =>
        TinyBert.Config(act) with { VocabSize = 60, HiddenSize = 32, IntermediateSize = 48, MaxPositionEmbeddings = 512 };

    public static readonly IReadOnlyList<string> Labels = ["neg", "neutral", "pos"];

    /// <summary>A task model (or a plain encoder for null) with random weights, in eval mode.</summary>
    public static LoadedModel Create(TaskKind? kind, BertConfig? config = null, IReadOnlyList<string>? labels = null)
    {
        TestAssets.EnsureTorch();
        manual_seed(3);
        config ??= Config();
        labels ??= Labels;
        BertTaskModel? task = kind switch
        {
            TaskKind.Classification => new BertForSequenceClassification(config, labels.Count),
            TaskKind.Tagging => new BertForTokenClassification(config, labels.Count),
            TaskKind.Qa => new BertForQuestionAnswering(config),
            _ => null,
        };
        if (task is not null)
        {
            // Hugging Face initialises heads near zero; larger weights make the head's maths visible in the logits.
            using (no_grad())
            {
                foreach (var (name, parameter) in task.named_parameters().Where(p => !p.name.StartsWith("bert.", StringComparison.Ordinal)))
                {
                    parameter.normal_(0, 0.5);
                }
            }
            task.eval();
            return new LoadedModel(task, task.Encoder, kind, kind == TaskKind.Qa ? [] : labels);
        }
        var encoder = new BertModel(config);
        encoder.eval();
        return new LoadedModel(encoder, encoder, null, []);
    }

    /// <summary>Random ids, token types and a mask whose rows have the given real lengths (the rest padding).</summary>
    public static (Tensor Ids, Tensor Mask, Tensor Types) Inputs(int batch, int length, int seed = 5)
    {
        manual_seed(seed);
        var ids = randint(1, 60, [batch, length], dtype: ScalarType.Int64);
        var types = randint(0, 2, [batch, length], dtype: ScalarType.Int64);
        var mask = ones([batch, length], dtype: ScalarType.Int64);
        for (var row = 1; row < batch; row++)
        {
            // Rows get shorter: padding of every amount, down to a single real token.
            var real = Math.Max(1, length - row * length / batch);
            mask[row, real..] = 0;
        }
        return (ids, mask, types);
    }
}
