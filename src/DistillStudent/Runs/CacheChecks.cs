using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Tasks;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// Checks, before a distillation writes anything, that a teacher cache is the one this run needs: made from the
/// same data with the same reader settings, for the same task and label order, holding every teacher layer the
/// matches read, and covering exactly the student's features. Every problem is named in one error. The caches of
/// a multi-teacher run must also agree with each other: same task, same label order, same examples.
/// </summary>
internal static class CacheChecks
{
    /// <param name="cacheDir">the cache</param>
    /// <param name="manifest">its manifest</param>
    /// <param name="training">the run's training config (task, data, reader settings)</param>
    /// <param name="distillation">the validated distillation config</param>
    /// <param name="train">the student's training data</param>
    /// <param name="teacher">the cache's index among the run's teachers (the matches naming it say which layers it needs)</param>
    /// <param name="sameTokens">whether the student shares the teacher's vocabulary (<see cref="SharesVocabulary"/>); a QA student
    /// that does not cuts its own windows, so the cache must cover its examples rather than its features</param>
    public static void Check(string cacheDir, CacheManifest manifest, TrainingConfig training, DistillationConfig distillation, ITaskData train, int teacher = 0,
        bool sameTokens = true)
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

        Missing("hidden", distillation.TeacherHiddenLayers(teacher), spec.HiddenLayers, problems);
        Missing("attention", distillation.TeacherAttentionLayers(teacher), spec.AttentionLayers, problems);
        Missing("projection", distillation.TeacherProjectionLayers(teacher), spec.ProjectionLayers ?? [], problems);
        if (spec.TopK is not null && (distillation.Temperature != 1 || distillation.ProbabilityShift))
        {
            problems.Add($"it holds top-{spec.TopK} logits with the log-sum-exp at temperature 1 only; distil with temperature 1 and no probability_shift, or rebuild it with full logits");
        }
        if (problems.Count > 0) throw new CacheFormatException($"{cacheDir}: the cache does not fit this run: {string.Join("; ", problems)}");

        var cached = CacheFeatureIds.Read(cacheDir, manifest);
        if (training.TaskKind == TaskKind.Qa && !sameTokens) CacheJoin.Check(cached.Select(QaData.ExampleOf).Distinct(), train.Features.Select(f => f.ExampleId));
        else CacheJoin.Check(cached, train.Features.Select(f => f.FeatureId));
    }

    /// <summary>
    /// Whether the student tokenizes with the teacher's vocabulary, judged by vocab_size (the teacher's is in the
    /// manifest). A student with its own vocabulary (<c>init-student --vocab</c>) gets other token ids and often
    /// another token count, so the cache's rows are joined by feature id and token-level targets are aligned to the
    /// student's tokens through both sides' character offsets (<see cref="CrossVocabulary.TokenAlignment"/>): hidden-state
    /// matches and tagging logits carry over, and QA's start and end logits, whose windows differ between tokenizers, through
    /// a join per example (<see cref="CrossVocabulary.QaWindowJoin"/>). What does not is refused here, each named, before
    /// anything is written: attention matches (an attention row is a distribution over the teacher's tokens; averaging rows
    /// and columns over an alignment gives no distribution the student's attention over its own tokens should match) and
    /// token-level top-k logits (their indices are per teacher token).
    /// </summary>
    public static bool SharesVocabulary(string cacheDir, CacheManifest manifest, int studentVocabSize, TaskKind kind, DistillationConfig distillation)
    {
        if (manifest.Teacher.Config["vocab_size"] is not { } teacherVocabSize || (int)teacherVocabSize == studentVocabSize) return true;

        var problems = new List<string>();
        if (manifest.Spec.TokenLevelLogits && manifest.Spec.TopK is { } k) problems.Add($"the cache holds top-{k} logits per teacher token, which do not average over an alignment (rebuild it with full logits)");
        for (var i = 0; i < distillation.IntermediateMatches.Count; i++)
        {
            var match = distillation.IntermediateMatches[i];
            if (match.Feature == "attention")
            {
                problems.Add($"intermediate_matches[{i}] (attention, layer_T {match.LayerT.GetRawText()}, layer_S {match.LayerS.GetRawText()}) "
                    + "matches attention over the teacher's tokens, which has no counterpart over the student's");
            }
        }
        if (problems.Count > 0)
        {
            throw new ConfigException(
                $"{cacheDir}: the student's vocabulary ({studentVocabSize} tokens) is not the teacher's ({(int)teacherVocabSize}), so its tokens are aligned to the teacher's by character offsets, "
                + $"which carries hidden states, tagging logits and QA span logits but not: {string.Join("; ", problems)}");
        }
        return false;
    }

    /// <summary>
    /// Checks that the caches of a multi-teacher run can be averaged: each has the first one's task, logit width and
    /// label order (id2label), and the same feature ids. One error names each cache that differs and from which.
    /// </summary>
    public static void CheckTeachers(IReadOnlyList<(string Dir, CacheManifest Manifest)> caches)
    {
        if (caches.Count < 2) return;
        var (firstDir, first) = caches[0];
        var firstLabels = TeacherLabels(first.Teacher.Config);
        var firstIds = new HashSet<string>(CacheFeatureIds.Read(firstDir, first), StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (dir, manifest) in caches.Skip(1))
        {
            if (manifest.Spec.Task != first.Spec.Task || manifest.Spec.LogitWidth != first.Spec.LogitWidth)
            {
                problems.Add($"{dir} caches task \"{manifest.Spec.Task}\" with {manifest.Spec.LogitWidth} logits, {firstDir} task \"{first.Spec.Task}\" with {first.Spec.LogitWidth}");
            }
            var labels = TeacherLabels(manifest.Teacher.Config);
            if (labels is not null && firstLabels is not null && !labels.SequenceEqual(firstLabels))
            {
                problems.Add($"{dir} has labels [{string.Join(", ", labels)}], {firstDir} [{string.Join(", ", firstLabels)}] (id2label of their teachers; the order must match)");
            }
            var ids = new HashSet<string>(CacheFeatureIds.Read(dir, manifest), StringComparer.Ordinal);
            var onlyHere = ids.Where(id => !firstIds.Contains(id)).ToList();
            var onlyFirst = firstIds.Where(id => !ids.Contains(id)).ToList();
            if (onlyHere.Count + onlyFirst.Count > 0)
            {
                problems.Add($"{dir} covers other examples than {firstDir}: {onlyHere.Count} feature id(s) only in {dir}{Sample(onlyHere)}, "
                    + $"{onlyFirst.Count} only in {firstDir}{Sample(onlyFirst)}; cache every teacher on the same data");
            }
        }
        if (problems.Count > 0) throw new CacheFormatException($"the teacher caches do not agree: {string.Join("; ", problems)}");
    }

    /// <summary>
    /// Verifies a cache against its manifest (every shard's size, SHA-256, schema and rows, no stray shard, each
    /// feature once) before a run claims its directory: a damaged or swapped shard would otherwise stop the run
    /// when the feed reaches it, after the directory was claimed and checkpoints written.
    /// </summary>
    public static void Verify(string cacheDir)
    {
        var problems = CacheVerifier.Verify(cacheDir);
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"{cacheDir}: the cache does not match its {CacheManifest.FileName}: {string.Join("; ", problems)}; "
                + "rerun the cache-teacher run command that made it (it redoes the shards that do not check out), or verify it with cache-teacher verify");
        }
    }

    private static string Sample(List<string> ids) => ids.Count == 0 ? "" : $" (e.g. {string.Join(", ", ids.Take(3).Select(id => $"\"{id}\""))})";

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
