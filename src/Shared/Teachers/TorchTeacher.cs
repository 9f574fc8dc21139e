using Distill.Models;
using Distill.Tasks;
using static TorchSharp.torch;
using Distill.Batches;
using Distill.Models.Heads;

namespace Distill.Teachers;

/// <summary>A TorchSharp task model as a teacher; with <paramref name="bf16"/> its forward runs in bf16 mixed precision (<see cref="Bf16Autocast"/>).</summary>
internal sealed class TorchTeacher(BertTaskModel model, int logitWidth, int padId, bool bf16 = false) : ITeacherModel
{
    public TaskKind Kind => model.Kind;
    public int LogitWidth => logitWidth;
    public int HiddenSize => model.Config.HiddenSize;
    public int NumLayers => model.Config.NumHiddenLayers;
    public int NumHeads => model.Config.NumAttentionHeads;
    public bool HasPooler => model.Encoder.HasPooler;

    public IReadOnlyList<TeacherOutput> Run(IReadOnlyList<TrainingFeature> batch, TeacherRequest request)
    {
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var inputs = EncoderInputs.Pad(batch.Select(f => f.Text).ToList(), padId);
        using var precision = Bf16Autocast.Enter(bf16);
        var output = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds,
            outputAttentions: request.AttentionLayers.Count > 0);
        var logits = output.Logits.to(ScalarType.Float32);
        var projections = request.ProjectionLayers
            .SelectMany(l => model.Encoder.QueryKeyValue(l, output.Encoder.HiddenStates[l]) is var (q, k, v) ? new[] { q, k, v } : []).ToList();
        var results = new TeacherOutput[batch.Count];
        for (var row = 0; row < batch.Count; row++)
        {
            var length = batch[row].Text.Length;
            var rowLogits = model.Kind == TaskKind.Classification ? logits[row] : logits[row, ..length];
            var hidden = request.HiddenLayers.Select(l => Values(output.Encoder.HiddenStates[l][row, ..length])).ToList();
            var attentions = request.AttentionLayers.Select(l => Values(output.Encoder.Attentions![l][row, .., ..length, ..length])).ToList();
            var pooled = request.Pooled && output.Encoder.PooledOutput is { } p ? Values(p[row]) : null;
            results[row] = new TeacherOutput(Values(rowLogits), hidden, attentions, pooled)
            {
                Projections = projections.Select(p => Values(p[row, ..length])).ToList(),
            };
        }
        return results;
    }

    private static float[] Values(Tensor tensor) => tensor.to(ScalarType.Float32).contiguous().data<float>().ToArray();

    public void Dispose() => model.Dispose();
}
