using Distill.Export.Mapping;
using Distill.Models;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Batches;
using Distill.Models.Bert;
using Distill.Models.BiGru;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Export.Parity;

/// <summary>Our TorchSharp model's outputs under the exported graph's output names.</summary>
internal static class TorchReference
{
    /// <summary>Runs the model (eval, no gradients); call inside a dispose scope.</summary>
    /// <returns>output name → float32 CPU tensor, shaped as the graph's output</returns>
    public static IReadOnlyDictionary<string, Tensor> Outputs(LoadedModel model, EncoderInputs batch) =>
        Outputs(model, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);

    /// <param name="model">the model</param>
    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="attentionMask">(B, T) int64</param>
    /// <param name="tokenTypeIds">(B, T) int64</param>
    public static IReadOnlyDictionary<string, Tensor> Outputs(LoadedModel model, Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        using var _ = no_grad();
        var outputs = new Dictionary<string, Tensor>();
        BertModelOutput encoded;
        if (model.Module is BertTaskModel task)
        {
            var result = task.forward(inputIds, attentionMask, tokenTypeIds);
            encoded = result.Encoder;
            if (task.Kind == TaskKind.Qa)
            {
                outputs[OutputNames.StartLogits] = result.Logits[.., .., 0];
                outputs[OutputNames.EndLogits] = result.Logits[.., .., 1];
            }
            else
            {
                outputs[OutputNames.Logits] = result.Logits;
            }
        }
        else
        {
            encoded = model.Encoder.forward(inputIds, attentionMask, tokenTypeIds);
            if (encoded.PooledOutput is { } pooled) outputs[OutputNames.PoolerOutput] = pooled;
        }
        outputs[OutputNames.LastHiddenState] = encoded.LastHiddenState;
        return outputs.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float32).cpu().contiguous());
    }

    /// <summary>A registered model type's logits under the export's output names (eval, no gradients); call inside a dispose scope.</summary>
    public static IReadOnlyDictionary<string, Tensor> Outputs(Distill.DistillStudent.TaskModels.ITaskModel model, EncoderInputs batch)
    {
        using var _ = no_grad();
        var logits = model.Logits(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).to(ScalarType.Float32).cpu();
        return model.Kind == TaskKind.Qa
            ? new Dictionary<string, Tensor> { [OutputNames.StartLogits] = logits[.., .., 0].contiguous(), [OutputNames.EndLogits] = logits[.., .., 1].contiguous() }
            : new Dictionary<string, Tensor> { [OutputNames.Logits] = logits.contiguous() };
    }

    /// <summary>A BiGRU's logits (eval, no gradients); call inside a dispose scope.</summary>
    public static IReadOnlyDictionary<string, Tensor> Outputs(BiGruTaskModel model, EncoderInputs batch)
    {
        using var _ = no_grad();
        return new Dictionary<string, Tensor> { [OutputNames.Logits] = model.forward(batch.InputIds, batch.AttentionMask).Logits.to(ScalarType.Float32).cpu().contiguous() };
    }
}
