using System.Diagnostics;
using Distill.Inference;
using Distill.Models;
using Distill.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Distill.Errors;

namespace Distill.Export.Bench;

/// <summary>
/// Times ONNX models side by side on synthetic inputs of exact lengths: <c>[CLS]</c>, ids drawn (seeded) from the
/// model's <c>vocab.txt</c>, <c>[SEP]</c>, no padding. Models take turns at each length, so a machine that gets
/// busier during the run slows them alike.
/// </summary>
public static class OnnxBench
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
                for (var m = 0; m < targets.Count; m++)
                {
                    var single = Latencies(targets[m], 1, length, settings.Warmup, settings.Iterations);
                    var batched = Latencies(targets[m], settings.BatchSize, length, Math.Min(settings.Warmup, 1), settings.Batches);
                    var perSecond = settings.BatchSize * settings.Batches / (batched.Sum() / 1000);
                    results[m].Add(new LengthResult(length, Percentile(single, 0.50), Percentile(single, 0.95), perSecond));
                    log($"bench: {models[m]} length {length}: p50 {Percentile(single, 0.50):F2} ms, {perSecond:F1} seq/s");
                }
            }
            return targets.Select((t, m) => new ModelResult(models[m], t.Provider, results[m])).ToList();
        }
        finally
        {
            foreach (var target in targets) target.Session.Dispose();
        }
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <returns>milliseconds of each timed run</returns>
    private static double[] Latencies(Target target, int batch, int length, int warmup, int runs)
    {
        var inputs = target.Inputs(batch, length);
        try
        {
            using var runOptions = new RunOptions();
            var outputNames = target.Session.OutputMetadata.Keys.ToList();
            var times = new double[runs];
            for (var i = -warmup; i < runs; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using (target.Session.Run(runOptions, inputs.Names, inputs.Values, outputNames)) { }
                if (i >= 0) times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            return times;
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    private sealed record Target(InferenceSession Session, string Provider, string[] InputNames, int ClsId, int SepId, int VocabSize)
    {
        private static readonly string[] Known = [OnnxModelMetadata.InputIds, OnnxModelMetadata.AttentionMask, OnnxModelMetadata.TokenTypeIds];

        public static Target Open(string model, BenchSettings settings, Action<string> log)
        {
            var path = ExportLayout.ResolveModel(model);
            var vocab = Path.Combine(ExportLayout.FilesDirectory(path), OnnxModelMetadata.VocabFile);
            if (!File.Exists(vocab)) throw new FileNotFoundException($"{path}: no {OnnxModelMetadata.VocabFile} beside it (or above its onnx/ folder), which bench draws input ids from", vocab);
            CheckPositions(path, settings.Lengths.Max());
            var tokenizer = WordPieceEncoder.FromVocabFile(vocab);
            var vocabSize = File.ReadLines(vocab).Count();
            var session = OnnxSessionFactory.Open(path, settings.Threads, settings.PreferCuda, log, out var provider);
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
