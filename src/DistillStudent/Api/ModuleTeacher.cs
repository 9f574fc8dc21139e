using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.DistillStudent.Api;

/// <summary>
/// Any adapted TorchSharp module as the cache writer's <see cref="ITeacherModel"/>: each batch of features is collated as a
/// training batch, run through the module and its adaptor, and cut back to each feature's real tokens. Its shape
/// (logit width, hidden size, layers, heads) is read from the adaptor's output on one feature.
/// </summary>
internal sealed class ModuleTeacher : ITeacherModel
{
    private readonly AdaptedModel model;
    private readonly int padId;

    /// <param name="model">the teacher</param>
    /// <param name="kind">classification or tagging (QA logits are read as distributions over positions, which the cache does not store)</param>
    /// <param name="padId">the padding id of the tokenizer the features were made with</param>
    /// <param name="probe">a feature to read the output's shape from</param>
    public ModuleTeacher(AdaptedModel model, TaskKind kind, int padId, TrainingFeature probe)
    {
        if (kind == TaskKind.Qa) throw new ConfigException("caching a QA teacher through the library is not supported; cache it with cache-teacher run");
        this.model = model;
        Kind = kind;
        this.padId = padId;
        Forward([probe], output =>
        {
            var logits = output.RequireLogits("teacher");
            LogitWidth = (int)logits.shape[^1];
            var hidden = output.Hidden?.Values.FirstOrDefault();
            HiddenSize = hidden is null ? 0 : (int)hidden.shape[^1];
            NumLayers = output.Hidden is { Count: > 0 } h ? h.Keys.Max() : output.Attention is { Count: > 0 } a ? a.Keys.Max() + 1 : 0;
            NumHeads = output.Attention?.Values.FirstOrDefault() is { } attention ? (int)attention.shape[1] : 0;
        });
    }

    public TaskKind Kind { get; }
    public int LogitWidth { get; private set; }
    public int HiddenSize { get; private set; }
    public int NumLayers { get; private set; }
    public int NumHeads { get; private set; }
    public bool HasPooler => false;

    public IReadOnlyList<TeacherOutput> Run(IReadOnlyList<TrainingFeature> batch, TeacherRequest request)
    {
        if (request.Pooled) throw new ConfigException("a module teacher has no pooled output to cache");
        var results = new TeacherOutput[batch.Count];
        Forward(batch, output =>
        {
            var logits = output.RequireLogits("teacher").to(ScalarType.Float32);
            for (var row = 0; row < batch.Count; row++)
            {
                var length = batch[row].Text.Length;
                var rowLogits = Kind == TaskKind.Classification ? logits[row] : logits[row, ..length];
                var hidden = request.HiddenLayers.Select(l => Values(output.RequireHidden(l, "teacher")[row, ..length])).ToList();
                var attentions = request.AttentionLayers.Select(l => Values(output.RequireAttention(l, "teacher")[row, .., ..length, ..length])).ToList();
                var projections = request.ProjectionLayers
                    .SelectMany(l => IntermediateMatch.Projections.Select(f => Values(output.RequireProjection(f, l, "teacher")[row, ..length]))).ToList();
                results[row] = new TeacherOutput(Values(rowLogits), hidden, attentions, null) { Projections = projections };
            }
        });
        return results;
    }

    private void Forward(IReadOnlyList<TrainingFeature> features, Action<AdaptorOutput> read)
    {
        model.Module.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var batch = Batch.Collate(features, Kind, padId);
        read(model.Run(batch));
    }

    private static float[] Values(Tensor tensor) => tensor.to(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>The module's identity for a cache manifest: a SHA-256 of its state dict (names, shapes, values), so a rerun with other weights is refused.</summary>
    public static string Identity(nn.Module module)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}[{string.Join(",", tensor.shape)}]{tensor.dtype}"));
            hash.AppendData(MemoryMarshal.AsBytes(Values(tensor.detach().cpu()).AsSpan()));
        }
        return "module:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Does nothing: the module belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
