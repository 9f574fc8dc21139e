using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.Configuration;
using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// Checks, before a distillation writes anything, that a teacher cache is the one this run needs: made from the
/// same data with the same reader settings, for the same task and label order, holding every teacher layer the
/// matches read, and covering exactly the student's features. Every problem is named in one error.
/// </summary>
public static class CacheChecks
{
    public static void Check(string cacheDir, CacheManifest manifest, TrainingConfig training, DistillationConfig distillation, ITaskData train)
    {
        var spec = manifest.Spec;
        var problems = new List<string>();
        if (spec.Task != training.Task) problems.Add($"it caches task \"{spec.Task}\", the run is \"{training.Task}\"");

        var identity = CacheIdentity.Data(training.TrainFile!, training.DataSettings);
        if (identity != manifest.Data.Identity)
        {
            var ours = CacheIdentity.ReaderSettings(training.TrainFile!, training.DataSettings);
            var settings = JsonNode.DeepEquals(ours, manifest.Data.ReaderSettings) ? "" : $" (it was read with {manifest.Data.ReaderSettings.ToJsonString()}, this run reads with {ours.ToJsonString()})";
            problems.Add($"it was made from other data than {training.TrainFile}{settings}");
        }

        if (training.TaskKind != TaskKind.Qa)
        {
            if (spec.LogitWidth != train.Labels.Count) problems.Add($"its logits have {spec.LogitWidth} classes, the data has {train.Labels.Count} labels");
            var teacherLabels = TeacherLabels(manifest.Teacher.Config);
            if (teacherLabels is not null && !teacherLabels.SequenceEqual(train.Labels))
            {
                problems.Add($"the teacher's labels are [{string.Join(", ", teacherLabels)}], the student's [{string.Join(", ", train.Labels)}] (the order must match)");
            }
        }

        Missing("hidden", distillation.TeacherHiddenLayers(), spec.HiddenLayers, problems);
        Missing("attention", distillation.TeacherAttentionLayers(), spec.AttentionLayers, problems);
        if (spec.TopK is not null && (distillation.Temperature != 1 || distillation.ProbabilityShift))
        {
            problems.Add($"it holds top-{spec.TopK} logits with the log-sum-exp at temperature 1 only; distil with temperature 1 and no probability_shift, or rebuild it with full logits");
        }
        if (problems.Count > 0) throw new CacheFormatException($"{cacheDir}: the cache does not fit this run: {string.Join("; ", problems)}");

        CacheJoin.Check(CacheFeatureIds.Read(cacheDir, manifest), train.Features.Select(f => f.FeatureId));
    }

    private static void Missing(string what, IReadOnlyList<int> needed, IReadOnlyList<int> held, List<string> problems)
    {
        var missing = needed.Except(held).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"the matches read teacher {what} layers [{string.Join(", ", missing)}], which it does not hold (it holds [{string.Join(", ", held)}]); "
                + $"cache them with cache-teacher run --config (the same distillation config)");
        }
    }

    private static IReadOnlyList<string>? TeacherLabels(JsonObject config) =>
        config["id2label"] is JsonObject map
            ? map.Select(kv => (Id: int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture), Label: (string)kv.Value!)).OrderBy(p => p.Id).Select(p => p.Label).ToList()
            : null;
}
