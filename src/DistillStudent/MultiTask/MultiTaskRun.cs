using Distill.Cache;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// One multi-task distillation from a validated <see cref="MultiTaskConfig"/>: loads the student and every task's
/// data, checks each task's cache against its data before writing anything, claims the output directory, and
/// trains for <c>num_steps</c> with batches drawn by <see cref="TaskSampler"/>, each distilled from its task's
/// teacher by the chosen distiller (the one loop, resuming from the newest checkpoint). At the end the best
/// checkpoint's heads are written as plain task models under <c>OUTPUT/best/NAME/</c>.
/// </summary>
internal static class MultiTaskRun
{
    public static TrainingSummary Execute(MultiTaskConfig run, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var training = run.Training with { NumEpochs = 1 };
        var outputDir = Path.GetFullPath(training.OutputDir!);
        RunPreamble.Write(training, run.Distillation, log);

        manual_seed(training.Seed);
        using var student = MultiTaskStudent.Load(run, log);
        var distillation = run.Distillation;
        var feeds = new List<IBatchFeed>();
        var manifests = new List<CacheManifest>();
        for (var i = 0; i < student.Tasks.Count; i++)
        {
            var task = student.Tasks[i];
            var cacheDir = run.Tasks[i].Cache!;
            var manifest = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName));
            manifests.Add(manifest);
            var depth = manifest.Teacher.Config["num_hidden_layers"] is { } layers ? (int)layers
                : throw new CacheFormatException($"{cacheDir}: the manifest's teacher config has no num_hidden_layers");
            distillation = distillation.Validate($"tasks[{i}] ({task.Name})", Registry.ComponentRegistry.Catalog, studentLayers: student.Model.Encoder.Config.NumHiddenLayers, teacherLayers: [depth]);
            ConfigShapeCheck.Check(distillation, new ConfigShapeCheck.Side(student.Model.Encoder.Config.HiddenSize, student.Model.Encoder.Config.NumAttentionHeads),
                [new ConfigShapeCheck.Side(manifest.Spec.HiddenSize, manifest.Spec.NumHeads)]);
            CacheChecks.Verify(cacheDir);
            var sameTokens = CacheChecks.SharesVocabulary(cacheDir, manifest, student.Model.Encoder.Config.VocabSize, task.Config.TaskKind, distillation);
            CacheChecks.Check(cacheDir, manifest, task.Config, distillation, task.Train, sameTokens: sameTokens);
            feeds.Add(new CachedTeacherFeed([new TeacherCache(cacheDir, distillation.TeacherHiddenLayers(), distillation.TeacherAttentionLayers())],
                task.Train.Features, task.Config.TaskKind, student.Tokenizer.PadId, training.BatchSize, training.Seed, task: task.Name, sameTokens: sameTokens, groupByLength: training.GroupByLength));
        }
        var feed = new MultiTaskFeed(feeds, run.NumSteps * training.GradientAccumulationSteps, training.BatchSize, run.Tau, training.Seed);

        log.WriteLine("multitask: " + string.Join(", ", student.Tasks.Select((t, i) =>
            FormattableString.Invariant($"{t.Name} ({t.Config.Task}, {t.Train.Features.Count} examples, p={feed.Sampler.Probabilities[i]:F3})"))));
        var attentions = distillation.IntermediateMatches.Any(m => m.Feature == "attention");
        var output = new TrainerOutput(outputDir, log, isTerminal, new RunRecord(MultiTaskConfig.FileName, (run with { Inputs = RunInputs.Of(run, manifests) }).ToJson(), ["training.threads"]));
        var distiller = RunConfigs.CreateDistiller(run.DistillerName, training, distillation, student.Adapted(attentions), new CachedTeacher(), output, student.Evaluate());
        var summary = distiller.Train(feed, cancellation);
        student.ExportTasks(summary.BestDir);
        return summary;
    }
}
