using Distill.CacheTeacher;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;

namespace Distill.Tests.Support;

/// <summary>
/// <see cref="TinyDistillation"/>'s set-up plus a tagging task over the same tiny vocabulary: word/TAG sentences
/// (tags-train.txt, tags-dev.txt), a tagging teacher fine-tuned on them and its cache (tags-cache, hidden layers
/// 0, 1, 2, fp32), and the run config of a multi-task distillation of the 1-layer student on both tasks.
/// </summary>
internal static class TinyMultiTask
{
    private static readonly string[] Nouns = ["movie", "film", "plot", "acting", "music"];
    private static readonly string[] Adjectives = ["good", "great", "fun", "bad", "awful", "boring"];

    public static void Write(TemporaryDirectory dir)
    {
        TinyDistillation.Write(dir);
        File.WriteAllLines(dir.File("tags-train.txt"), Sentences(40, 0));
        File.WriteAllLines(dir.File("tags-dev.txt"), Sentences(12, 1));
        var teacher = new TrainingConfig
        {
            Task = "tagging", Model = dir.File("encoder"), TrainFile = dir.File("tags-train.txt"), DevFile = dir.File("tags-dev.txt"),
            OutputDir = dir.File("tags-teacher"), NumEpochs = 10, BatchSize = 4, LearningRate = 5e-3, MaxSeqLength = 16, Seed = 1,
        }.Validate("test");
        var trained = TrainingRun.Execute(teacher, new StringWriter(), isTerminal: false);
        if (!(trained.BestMetric >= 0.9)) throw new InvalidOperationException($"the tiny tagging teacher reached dev token accuracy {trained.BestMetric} only");

        var cache = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", dir.File("tags-teacher", "best"), "--task", "tagging",
            "--data", dir.File("tags-train.txt"), "--out", dir.File("tags-cache"), "--hidden-layers", "0,1,2", "--dtype", "fp32",
            "--max-seq-length", "16", "--rows-per-shard", "15");
        if (cache.ExitCode != 0) throw new InvalidOperationException(cache.Output + cache.Error);
    }

    /// <summary>
    /// Writes the run config of a multi-task distillation (sentiment classification + tags) of the student (DIR/student
    /// unless given, the sentiment task's cache DIR/cache unless given) into the directory and returns its path.
    /// </summary>
    public static string Config(TemporaryDirectory dir, string output, int steps, int ckptSteps, string name = "multitask.json", string? student = null, string? cache = null)
    {
        string Json(string path) => System.Text.Json.JsonSerializer.Serialize(path);
        return dir.Write(name, $$"""
            {"training": {"model": {{Json(student ?? dir.File("student"))}}, "output_dir": {{Json(output)}}, "learning_rate": 5e-3, "batch_size": 4,
                          "max_seq_length": 16, "seed": 9, "ckpt_steps": {{ckptSteps}}, "log_steps": 5},
             "distillation": {"temperature": 2, "hard_label_weight": 0.5,
                              "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse"}]},
             "num_steps": {{steps}}, "tau": 0.5,
             "tasks": [{"name": "sentiment", "task": "classification", "train": {{Json(dir.File("train.jsonl"))}}, "dev": {{Json(dir.File("dev.jsonl"))}}, "cache": {{Json(cache ?? dir.File("cache"))}}},
                       {"name": "tags", "task": "tagging", "train": {{Json(dir.File("tags-train.txt"))}}, "dev": {{Json(dir.File("tags-dev.txt"))}}, "cache": {{Json(dir.File("tags-cache"))}}}]}
            """);
    }

    private static IEnumerable<string> Sentences(int count, int shift)
    {
        for (var i = 0; i < count; i++)
        {
            var k = i + shift;
            var verb = k % 2 == 0 ? "was/VBD" : "is/VBZ";
            var very = k % 3 == 0 ? " very/RB" : "";
            var ending = k % 4 == 0 ? "!/." : "./.";
            yield return $"the/DT {Nouns[k % Nouns.Length]}/NN {verb}{very} {Adjectives[k % Adjectives.Length]}/JJ {ending}";
        }
    }
}
