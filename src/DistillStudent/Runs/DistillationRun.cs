using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// One distillation run of a student (any <see cref="TaskModels.ITaskModel"/>) from a validated <see cref="DistillRunConfig"/>: loads the student and
/// its data, checks the teachers (caches, verified shard by shard and agreeing with each other, or a model or ONNX
/// file run online) against them and the matches' shapes against both before writing anything, builds the
/// distiller (projections loaded), and trains, which claims the output directory with the run file and its inputs'
/// identities (<see cref="RunInputs"/>) and resumes from the newest checkpoint if there is one.
/// </summary>
internal static class DistillationRun
{
    public static TrainingSummary Execute(DistillRunConfig run, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var training = run.Training;
        var distillation = run.Distillation;
        var outputDir = Path.GetFullPath(training.OutputDir!);
        RunPreamble.Write(training, distillation, log);

        manual_seed(training.Seed);
        using var student = TaskStudent.Load(training, log);
        var caches = run.Cache.Select(dir => (Dir: dir, Manifest: CacheManifest.Load(Path.Combine(dir, CacheManifest.FileName)))).ToList();
        var onnxFiles = run.IsOnnxTeacher ? run.OnnxTeacherFiles() : null;
        var onlineConfig = caches.Count > 0 ? null : onnxFiles?.Config ?? BertConfig.Load(Path.Combine(run.Teacher!, ModelDirectory.ConfigFile));
        IReadOnlyList<int> teacherLayers = onlineConfig is null
            ? caches.Select(c => TeacherDepth(c.Manifest, c.Dir)).ToList()
            : [onlineConfig.NumHiddenLayers];
        distillation = distillation.Validate("distillation", Registry.ComponentRegistry.Catalog, studentLayers: student.Model.Layers, teacherLayers: teacherLayers);
        if (onlineConfig is not null) onlineConfig.CheckMaxSeqLength(training.MaxSeqLength, onnxFiles?.ConfigPath ?? Path.Combine(run.Teacher!, ModelDirectory.ConfigFile));
        ConfigShapeCheck.Check(distillation, new ConfigShapeCheck.Side(student.Model.HiddenSize, student.Model.AttentionHeads),
            onlineConfig is null
                ? caches.Select(c => new ConfigShapeCheck.Side(c.Manifest.Spec.HiddenSize, c.Manifest.Spec.NumHeads)).ToList()
                : [new ConfigShapeCheck.Side(onlineConfig.HiddenSize, onlineConfig.NumAttentionHeads)]);
        var attentions = distillation.IntermediateMatches.Any(m => m.Feature == "attention");
        // Adapted before anything is written: a student without what the matches read (a BiGRU has no attention) fails here.
        var adapted = student.Adapted(attentions);

        IBatchFeed feed;
        ITeacherOutputSource teacher;
        IDisposable? teacherModel = null;
        try
        {
            string description;
            if (caches.Count > 0)
            {
                foreach (var (dir, _) in caches) CacheChecks.Verify(dir);
                CacheChecks.CheckTeachers(caches);
                var sameTokens = caches.All(c => CacheChecks.SharesVocabulary(c.Dir, c.Manifest, student.Model.VocabSize, training.TaskKind, distillation));
                for (var i = 0; i < caches.Count; i++) CacheChecks.Check(caches[i].Dir, caches[i].Manifest, training, distillation, student.Train, teacher: i, sameTokens);
                var read = caches.Select((c, i) => new TeacherCache(c.Dir, distillation.TeacherHiddenLayers(i), distillation.TeacherAttentionLayers(i))
                {
                    ProjectionLayers = distillation.TeacherProjectionLayers(i),
                }).ToList();
                feed = new CachedTeacherFeed(read, student.Train.Features, training.TaskKind, student.Tokenizer.PadId, training.BatchSize, training.Seed, sameTokens: sameTokens, groupByLength: training.GroupByLength);
                teacher = new CachedTeacher();
                description = caches.Count == 1 ? $"the cache {caches[0].Dir}" : $"{caches.Count} teacher caches (multi-teacher: KD on their mean logits)";
            }
            else if (onnxFiles is not null)
            {
                OnnxTeacherChecks.Check(onnxFiles, distillation, student);
                var onnx = onnxFiles.Open(training.TaskKind, training.TaskKind == TaskKind.Qa ? 2 : student.Labels.Count, training.Threads, preferCuda: true, log.WriteLine);
                teacherModel = onnx;
                var online = new OnlineOnnxTeacher(onnx, training.TaskKind, distillation.TeacherHiddenLayers());
                online.Probe(student.Train.Features[0]);
                feed = student.Feed();
                teacher = online;
                description = $"the ONNX teacher {run.Teacher} run online";
            }
            else
            {
                // The online teacher reads the student's batches, token ids included: they must be its own.
                if (onlineConfig!.VocabSize != student.Model.VocabSize)
                {
                    throw new ConfigException($"{run.Teacher}: the student's vocabulary ({student.Model.VocabSize} tokens) is not the teacher's ({onlineConfig.VocabSize}), "
                        + "and an online teacher reads the student's token ids; cache the teacher (cache-teacher run) and distil from the cache, which aligns the two tokenizations");
                }
                var (model, _) = TaskModelDirectory.Load(run.Teacher!, training.TaskKind, training.TaskKind == TaskKind.Qa ? null : student.Labels);
                teacherModel = model;
                feed = student.Feed();
                teacher = new OnlineTeacher(BertAdaptor.For(model, attentions));
                description = $"the teacher {run.Teacher} run online";
            }

            var record = new RunRecord(DistillRunConfig.FileName, (run with { Inputs = RunInputs.Of(run, caches, onnxFiles) }).ToJson(), ["training.threads"]);
            var output = new TrainerOutput(outputDir, log, isTerminal, record);
            var distiller = RunConfigs.CreateDistiller(run.DistillerName, training, distillation, adapted, teacher, output, student.Evaluate(), run.TeacherWeights);
            log.WriteLine($"trainer: {distiller.GetType().Name} (distiller \"{run.DistillerName}\") from {description}");
            return distiller.Train(feed, cancellation);
        }
        finally
        {
            teacherModel?.Dispose();
        }
    }

    private static int TeacherDepth(CacheManifest manifest, string cacheDir)
    {
        return manifest.Teacher.Config["num_hidden_layers"] is { } layers ? (int)layers : throw new CacheFormatException($"{cacheDir}: the manifest's teacher config has no num_hidden_layers");
    }
}
