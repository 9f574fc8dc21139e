using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.TeacherCaching;

namespace Distill.DistillStudent.Api;

/// <summary>
/// Where a <see cref="Distiller"/> gets the teacher's outputs: a cache written once (by <c>cache-teacher run</c> or
/// <see cref="WriteCacheAsync"/>) and read with each batch, or any TorchSharp module run on every batch (online).
/// </summary>
public sealed class Teacher
{
    private Teacher(string? cacheDir, AdaptedModel? model)
    {
        CacheDir = cacheDir;
        Model = model;
    }

    /// <summary>The cache directory; null for an online teacher.</summary>
    public string? CacheDir { get; }

    /// <summary>The module with its forward and adaptor; null for a cached teacher.</summary>
    internal AdaptedModel? Model { get; }

    /// <summary>A teacher cache: a directory with the <c>manifest.json</c> that <c>cache-teacher run</c> or <see cref="WriteCacheAsync"/> writes last.</summary>
    /// <param name="dir">the cache directory</param>
    public static Teacher FromCache(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        CacheManifest.Load(System.IO.Path.Combine(dir, CacheManifest.FileName)); // a missing or unreadable manifest fails here, naming the file
        return new Teacher(System.IO.Path.GetFullPath(dir), null);
    }

    /// <summary>Any module run on every batch (eval mode, no gradients); it reads the student's batch, so both must tokenize alike.</summary>
    /// <param name="module">the teacher model</param>
    /// <param name="run">runs it on a batch and reads its output (logits; hidden states and attention for matches)</param>
    public static Teacher Create(nn.Module module, Func<Batch, AdaptorOutput> run)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(run);
        return new Teacher(null, new AdaptedModel(module, batch => run(batch), (_, output) => (AdaptorOutput)output));
    }

    /// <summary>A sequence classifier from token ids (B, T) to logits (B, C), run on every batch.</summary>
    /// <param name="model">the classifier</param>
    public static Teacher Classifier(nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, batch => Student.ClassifierOutput(batch, model.call(batch[Batch.InputIds])));
    }

    /// <summary>A sequence classifier from token ids and attention mask (B, T) to logits (B, C), run on every batch.</summary>
    /// <param name="model">the classifier</param>
    public static Teacher Classifier(nn.Module<Tensor, Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, batch => Student.ClassifierOutput(batch, model.call(batch[Batch.InputIds], batch[Batch.AttentionMask])));
    }

    /// <summary>A sequence classifier from token ids and attention mask to logits and hidden states (index 0 the embeddings), run on every batch.</summary>
    /// <param name="model">the classifier</param>
    public static Teacher Classifier(nn.Module<Tensor, Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, batch => Student.ClassifierOutput(batch, model.call(batch[Batch.InputIds], batch[Batch.AttentionMask])));
    }

    /// <summary>A model already adapted (e.g. <see cref="BertAdaptor.For"/> of our BERT task models), run on every batch.</summary>
    /// <param name="model">the adapted model</param>
    public static Teacher From(AdaptedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Teacher(null, model);
    }

    /// <summary>
    /// Runs this online teacher once over <paramref name="data"/> and writes its outputs as a cache in <paramref name="dir"/>:
    /// the shards, manifest, checksums and resume of <c>cache-teacher run</c> (the same code), so <c>cache-teacher verify</c>
    /// checks it and a rerun keeps complete shards. The manifest identifies the teacher by a hash of its state dict and
    /// records its labels and its tokenizer's vocabulary size, by which a student with another tokenizer is aligned to it.
    /// </summary>
    /// <param name="data">the data, tokenized as the teacher reads it</param>
    /// <param name="dir">the cache directory</param>
    /// <param name="options">layers kept, dtype, batch and shard sizes</param>
    /// <param name="cancellation">stops between batches; complete shards stay</param>
    /// <returns>the cache, as a teacher</returns>
    public async Task<Teacher> WriteCacheAsync(TextData data, string dir, TeacherCacheOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(dir);
        var model = Model ?? throw new InvalidOperationException($"this teacher is already the cache {CacheDir}");
        if (data.Count == 0) throw new ConfigException($"{data.Path}: no examples to cache");
        options ??= new TeacherCacheOptions();
        using var teacher = new ModuleTeacher(model, data.Kind, data.Tokenizer.Specials.Pad, data.Task.Features[0]);
        var config = new JsonObject
        {
            ["model_type"] = model.Module.GetName(),
            ["vocab_size"] = data.Tokenizer.VocabSize,
            ["num_hidden_layers"] = teacher.NumLayers,
            ["hidden_size"] = teacher.HiddenSize,
            ["id2label"] = new JsonObject(data.Labels.Select((label, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)label))),
        };
        var run = new CacheRunOptions
        {
            Task = data.Kind, DataFile = data.Path, OutputDir = dir, Data = data.Settings, HiddenLayers = options.HiddenLayers, AttentionLayers = options.AttentionLayers,
            DType = options.DType, BatchSize = options.BatchSize, RowsPerShard = options.RowsPerShard,
        };
        await CacheRun.WriteAsync(run, teacher, new CacheTeacherInfo(ModuleTeacher.Identity(model.Module), config), data.Task.Features,
            options.Log ?? Console.Error, isTerminal: false, cancellation);
        return FromCache(dir);
    }
}
