using System.Diagnostics;
using Distill.Inference;
using Distill.Models;
using Distill.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Distill.Errors;

namespace Distill.Export.Bench;

/// <summary>
/// Times ONNX models side by side on synthetic inputs of exact lengths: <c>[CLS]</c>, ids drawn (seeded) from the
/// model's <c>vocab.txt</c>, <c>[SEP]</c>, no padding. Models take turns run by run (one run of each, then the next
/// round), so a machine whose load changes during the series slows them alike and the ratios stay fair.
/// </summary>
internal static class OnnxBench
{
    /// <summary>The line every report starts with, saying what the inputs were.</summary>
    public const string InputsNote = "synthetic inputs: [CLS], random ids from the model's vocab.txt, [SEP]; exact lengths, no padding";

    public static IReadOnlyList<ModelResult> Run(IReadOnlyList<string> models, BenchSettings settings, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        settings.Validate();
        var targets = new List<Target>();
        try
        {
            foreach (var model in models) targets.Add(Target.Open(model, settings, log));
            var results = targets.Select(_ => new List<LengthResult>()).ToList();
            foreach (var length in settings.Lengths)
            {
                var single = Latencies(targets, 1, length, settings.Warmup, settings.Iterations);
                var batched = Latencies(targets, settings.BatchSize, length, Math.Min(settings.Warmup, 1), settings.Batches);
                for (var m = 0; m < targets.Count; m++)
                {
                    var perSecond = settings.BatchSize * settings.Batches / (batched[m].Sum() / 1000);
                    results[m].Add(new LengthResult(length, Percentile(single[m], 0.50), Percentile(single[m], 0.95), perSecond));
                    log($"bench: {models[m]} length {length}: p50 {Percentile(single[m], 0.50):F2} ms, {perSecond:F1} seq/s");
                }
            }
            return targets.Select((t, m) => new ModelResult(models[m], t.Provider, results[m])).ToList();
        }
        finally
        {
            foreach (var target in targets) target.Session.Dispose();
        }
    }

    /// <summary>
    /// Profiles each model apart, after the timed series (profiling slows a session down): per length, one session
    /// runs batch 1 (warm-up and <see cref="BenchSettings.Iterations"/> runs) and one <see cref="BenchSettings.BatchSize"/>
    /// (one warm-up and <see cref="BenchSettings.Batches"/> runs), each writing ONNX Runtime's trace into
    /// <paramref name="directory"/>; their node times are summed by op type.
    /// </summary>
    public static IReadOnlyList<ProfileResult> Profile(IReadOnlyList<string> models, BenchSettings settings, string directory, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(models);
        settings.Validate();
        Directory.CreateDirectory(directory);
        var results = new List<ProfileResult>();
        for (var m = 0; m < models.Count; m++)
        {
            var name = Path.GetFileNameWithoutExtension(ExportLayout.ResolveModel(models[m]));
            foreach (var length in settings.Lengths)
            {
                foreach (var (batch, warmup, runs) in new[] { (1, settings.Warmup, settings.Iterations), (settings.BatchSize, Math.Min(settings.Warmup, 1), settings.Batches) })
                {
                    var target = Target.Open(models[m], settings, _ => { }, Path.Combine(directory, $"{m + 1}-{name}-len{length}-b{batch}"));
                    string file;
                    try
                    {
                        Latencies([target], batch, length, warmup, runs);
                        file = Path.GetFullPath(target.Session.EndProfiling());
                    }
                    finally
                    {
                        target.Session.Dispose();
                    }
                    var ops = OrtProfile.ByOpType(File.ReadAllText(file));
                    results.Add(new ProfileResult(models[m], length, batch, warmup + runs, ops, file));
                    log($"bench: profile {models[m]} length {length} batch {batch}: {OrtProfile.Line(ops, warmup + runs)}");
                }
            }
        }
        return results;
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <returns>per model, milliseconds of each timed run; round by round, each model runs once</returns>
    private static double[][] Latencies(IReadOnlyList<Target> targets, int batch, int length, int warmup, int runs)
    {
        var inputs = targets.Select(t => t.Inputs(batch, length)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            var outputNames = targets.Select(t => t.Session.OutputMetadata.Keys.ToList()).ToList();
            var times = targets.Select(_ => new double[runs]).ToArray();
            for (var i = -warmup; i < runs; i++)
            {
                for (var m = 0; m < targets.Count; m++)
                {
                    var start = Stopwatch.GetTimestamp();
                    using (targets[m].Session.Run(runOptions, inputs[m].Names, inputs[m].Values, outputNames[m])) { }
                    if (i >= 0) times[m][i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
            return times;
        }
        finally
        {
            foreach (var value in inputs.SelectMany(i => i.Values)) value.Dispose();
        }
    }

    private sealed record Target(InferenceSession Session, string Provider, string[] InputNames, int ClsId, int SepId, int VocabSize)
    {
        private static readonly string[] Known = [OnnxModelMetadata.InputIds, OnnxModelMetadata.AttentionMask, OnnxModelMetadata.TokenTypeIds];

        public static Target Open(string model, BenchSettings settings, Action<string> log, string? profilePrefix = null)
        {
            var path = ExportLayout.ResolveModel(model);
            var vocab = Path.Combine(ExportLayout.FilesDirectory(path), OnnxModelMetadata.VocabFile);
            if (!File.Exists(vocab)) throw new FileNotFoundException($"{path}: no {OnnxModelMetadata.VocabFile} beside it (or above its onnx/ folder), which bench draws input ids from", vocab);
            CheckPositions(path, settings.Lengths.Max());
            var tokenizer = WordPieceEncoder.FromVocabFile(vocab);
            var vocabSize = File.ReadLines(vocab).Count();
            var session = OnnxSessionFactory.Open(path, settings.Threads, settings.PreferCuda, log, out var provider, profilePrefix);
            var names = session.InputMetadata.Keys.ToArray();
            var unknown = names.Except(Known).ToList();
            if (unknown.Count > 0 || !names.Contains(OnnxModelMetadata.InputIds))
            {
                session.Dispose();
                throw new OnnxModelException($"{path}: inputs [{string.Join(", ", names)}]: expected {OnnxModelMetadata.InputIds} and optionally {OnnxModelMetadata.AttentionMask}, {OnnxModelMetadata.TokenTypeIds}");
            }
            return new Target(session, provider, names, tokenizer.ClsId, tokenizer.SepId, vocabSize);
        }

        /// <summary>
        /// Refuses a length beyond the max_position_embeddings of the config.json beside the model (as the exporter
        /// writes it), before the first run of that length fails inside ONNX Runtime; a model without one is not checked.
        /// </summary>
        private static void CheckPositions(string path, int longest)
        {
            var config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.json");
            if (!File.Exists(config)) return;
            if (System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config)) is System.Text.Json.Nodes.JsonObject fields
                && fields["max_position_embeddings"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<int>(out var positions) && longest > positions)
            {
                throw new ConfigException($"--lengths: {longest} tokens exceeds the model's max_position_embeddings {positions} ({config}); use lengths up to {positions}");
            }
        }

        public (List<string> Names, List<OrtValue> Values) Inputs(int batch, int length)
        {
            // The same seed for every model, so models with one vocabulary see the same ids.
            var random = new Random(length);
            var ids = new long[batch * length];
            for (var row = 0; row < batch; row++)
            {
                for (var i = 0; i < length; i++) ids[row * length + i] = i == 0 ? ClsId : i == length - 1 ? SepId : random.Next(VocabSize);
            }
            var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
            var types = new long[ids.Length];
            long[] shape = [batch, length];
            var values = InputNames.Select(name => OrtValue.CreateTensorValueFromMemory(
                name == OnnxModelMetadata.InputIds ? ids : name == OnnxModelMetadata.AttentionMask ? mask : types, shape)).ToList();
            return (InputNames.ToList(), values);
        }
    }
}
