using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// One distillation run of a student (any <see cref="TaskModels.ITaskModel"/>) from a validated <see cref="DistillRunConfig"/>: loads the student and
/// its data, checks the teachers (caches, which must also agree with each other, or a model) against them before
/// writing anything, claims the output
/// directory, and trains with the chosen distiller, resuming from the newest checkpoint if there is one.
/// </summary>
public static class DistillationRun
{
    public static TrainingSummary Execute(DistillRunConfig run, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var training = run.Training;
        var distillation = run.Distillation;
        var outputDir = Path.GetFullPath(training.OutputDir!);

        manual_seed(training.Seed);
        using var student = TaskStudent.Load(training, log);
        var caches = run.Cache.Select(dir => (Dir: dir, Manifest: CacheManifest.Load(Path.Combine(dir, CacheManifest.FileName)))).ToList();
        IReadOnlyList<int> teacherLayers = caches.Count > 0
            ? caches.Select(c => TeacherDepth(c.Manifest, c.Dir)).ToList()
            : [BertConfig.Load(Path.Combine(run.Teacher!, ModelDirectory.ConfigFile)).NumHiddenLayers];
        distillation = distillation.Validate("distillation", LossRegistry.Arity, studentLayers: student.Model.Layers, teacherLayers: teacherLayers);
        var attentions = distillation.IntermediateMatches.Any(m => m.Feature == "attention");
        // Adapted before anything is written: a student without what the matches read (a BiGRU has no attention) fails here.
        var adapted = student.Adapted(attentions);

        IBatchFeed feed;
        ITeacherSource teacher;
        BertTaskModel? teacherModel = null;
        if (caches.Count > 0)
        {
            CacheChecks.CheckTeachers(caches);
            for (var i = 0; i < caches.Count; i++) CacheChecks.Check(caches[i].Dir, caches[i].Manifest, training, distillation, student.Train, teacher: i);
            var read = caches.Select((c, i) => new TeacherCache(c.Dir, distillation.TeacherHiddenLayers(i), distillation.TeacherAttentionLayers(i))).ToList();
            var sameTokens = caches.All(c => CacheChecks.SharesVocabulary(c.Dir, c.Manifest, student.Model.VocabSize, training.TaskKind, distillation));
            feed = new CachedTeacherFeed(read, student.Train.Features, training.TaskKind, student.Tokenizer.PadId, training.BatchSize, training.Seed, sameTokens: sameTokens);
            teacher = new CachedTeacher();
        }
        else
        {
            var (model, _) = TaskModelDirectory.Load(run.Teacher!, training.TaskKind, training.TaskKind == TaskKind.Qa ? null : student.Labels);
            teacherModel = model;
            feed = student.Feed();
            teacher = new OnlineTeacher(BertAdaptor.For(model, attentions));
        }

        using (teacherModel)
        {
            RunDirectory.Claim(outputDir, DistillRunConfig.FileName, run.ToJson(), ignored: ["training.threads"]);
            var output = new TrainerOutput(outputDir, log, isTerminal);
            var distiller = RunConfigs.CreateDistiller(run.DistillerName, training, distillation, adapted, teacher, output, student.Evaluate(), run.TeacherWeights);
            return distiller.Train(feed, cancellation);
        }
    }

    private static int TeacherDepth(CacheManifest manifest, string cacheDir)
    {
        return manifest.Teacher.Config["num_hidden_layers"] is { } layers ? (int)layers : throw new CacheFormatException($"{cacheDir}: the manifest's teacher config has no num_hidden_layers");
    }
}
