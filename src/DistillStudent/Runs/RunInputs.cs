using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.Models;
using Distill.Teachers;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// The identities of a distillation run's inputs, recorded in its run file (<c>inputs</c>) beside the paths: the
/// student's starting weights, the training data as read, and each teacher cache's manifest identity (teacher,
/// data, spec, shard checksums), or an online teacher's files; for a multi-task run, each task's data and cache. A
/// rerun whose inputs changed under the same paths (a cache rebuilt by another teacher, a student re-initialized)
/// is then refused, naming each one, instead of resuming a student trained on one teacher with another.
/// </summary>
internal static class RunInputs
{
    public static JsonObject Of(DistillRunConfig run, IReadOnlyList<(string Dir, CacheManifest Manifest)> caches, OnnxTeacherFiles? onnx)
    {
        var training = run.Training;
        var inputs = new JsonObject
        {
            ["student"] = Model(training.Model!),
            ["train_data"] = CacheIdentity.Data(training.TrainFile!, training.DataSettings),
        };
        if (caches.Count > 0) inputs["cache"] = new JsonArray([.. caches.Select(c => (JsonNode)Cache(c.Manifest))]);
        else if (onnx is not null) inputs["teacher"] = CacheIdentity.OnnxTeacher(onnx.Onnx, onnx.ConfigPath, onnx.VocabPath, onnx.Settings);
        else inputs["teacher"] = Model(run.Teacher!);
        return inputs;
    }

    /// <summary>A multi-task run's inputs: the student, then per task (in the run's order) its data and its cache.</summary>
    public static JsonObject Of(MultiTask.MultiTaskConfig run, IReadOnlyList<CacheManifest> caches) => new()
    {
        ["student"] = Model(run.Training.Model!),
        ["tasks"] = new JsonArray([.. run.Tasks.Select((task, i) => (JsonNode)new JsonObject
        {
            ["train_data"] = CacheIdentity.Data(task.Train!, run.TaskTraining(i).DataSettings),
            ["cache"] = Cache(caches[i]),
        })]),
    };

    /// <summary>A model directory's identity: a hash of its config, weights and vocabulary.</summary>
    public static string Model(string directory) => CacheManifest.HashFiles(
        new[] { ModelDirectory.ConfigFile, ModelDirectory.WeightsFile, ModelDirectory.VocabFile }.Select(f => Path.Combine(directory, f)), "model");

    private static JsonObject Cache(CacheManifest manifest) => new()
    {
        ["teacher"] = manifest.Teacher.Identity,
        ["data"] = manifest.Data.Identity,
        ["spec"] = Hash(JsonSerializer.Serialize(manifest.Spec)),
        ["shards"] = Hash(string.Join("\n", manifest.Shards.Select(s => $"{s.File} {s.Sha256}"))),
    };

    private static string Hash(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
