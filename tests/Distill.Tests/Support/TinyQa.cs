using System.Text.Json.Nodes;
using Distill.CacheTeacher;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;
using Distill.Models;
using Distill.Models.Bert;

namespace Distill.Tests.Support;

/// <summary>
/// A tiny QA set-up in a directory: SQuAD-style train.json / dev.json whose contexts are longer than one window
/// (3 teacher windows each at <see cref="Reading"/>'s settings), a teacher fine-tuned on them over a whole-word
/// vocabulary (teacher-run/best), its cache (hidden layers 0, 1, 2, fp32), and a student vocabulary that splits
/// the names and places into two pieces each (<see cref="StudentVocabulary"/>), so that the student cuts its own,
/// more numerous windows and its tokens are not the teacher's.
/// </summary>
internal static class TinyQa
{
    private static readonly string[] Names = ["amelia", "bruno", "carla", "dmitri"];
    private static readonly string[] Places = ["cusco", "kyoto", "lagos", "oslo"];
    private static readonly string[] Things = ["filter", "lamp", "clock", "boat"];
    private static readonly string[] Words = ["was", "born", "in", "built", "a", "the", "great", "where", "what", "did", "build", ".", "?"];

    /// <summary>The reader settings of every step (max_seq_length, max_query_length, doc_stride).</summary>
    public static readonly string[] Reading = ["--max-seq-length", "16", "--max-query-length", "8", "--doc-stride", "3"];

    /// <summary>The teacher's vocabulary with each name and place cut in two (am ##elia, cu ##sco, ...).</summary>
    public static string StudentVocabulary =>
        string.Join('\n', Specials.Concat(Words).Concat(Things).Concat(Names.Concat(Places).SelectMany(w => new[] { w[..2], "##" + w[2..] }))) + "\n";

    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    public static void Write(TemporaryDirectory dir)
    {
        TorchSharp.torch.manual_seed(3);
        File.WriteAllLines(dir.File("vocab.txt"), Specials.Concat(Words).Concat(Names).Concat(Places).Concat(Things));
        using (var encoder = new BertModel(TinyBert.Config() with { VocabSize = File.ReadAllLines(dir.File("vocab.txt")).Length }, addPoolingLayer: true))
        {
            ModelDirectory.Save(dir.File("encoder"), encoder, dir.File("vocab.txt"));
        }
        File.WriteAllText(dir.File("train.json"), Squad(0, 16));
        File.WriteAllText(dir.File("dev.json"), Squad(16, 4));
        var teacher = new TrainingConfig
        {
            Task = "qa", Model = dir.File("encoder"), TrainFile = dir.File("train.json"), DevFile = dir.File("dev.json"),
            OutputDir = dir.File("teacher-run"), NumEpochs = 8, BatchSize = 8, LearningRate = 5e-3, MaxSeqLength = 16, MaxQueryLength = 8, DocStride = 3, Seed = 1,
        }.Validate("test");
        TrainingRun.Execute(teacher, new StringWriter(), isTerminal: false);

        var cache = CliRun.Invoke(CacheTeacherCli.Create(), ["run", "--model", dir.File("teacher-run", "best"), "--task", "qa",
            "--data", dir.File("train.json"), "--out", dir.File("cache"), "--hidden-layers", "0,1,2", "--dtype", "fp32", .. Reading]);
        if (cache.ExitCode != 0) throw new InvalidOperationException(cache.Output + cache.Error);
    }

    /// <summary>
    /// Contexts "N was born in P . N built a T in P' . the T was great ." (17 whole words), each with the questions
    /// "where was N born ?" (answer P, in the first teacher window) and "what did N build ?" (answer T, in the second).
    /// </summary>
    private static string Squad(int from, int count)
    {
        var paragraphs = new JsonArray();
        for (var i = from; i < from + count; i++)
        {
            var (name, place, other, thing) = (Names[i % 4], Places[i % 4], Places[(i / 4 + i + 1) % 4], Things[(i / 4) % 4]);
            var context = $"{name} was born in {place} . {name} built a {thing} in {other} . the {thing} was great .";
            JsonObject Qa(string id, string question, string answer, int start) => new()
            {
                ["id"] = id, ["question"] = question, ["answers"] = new JsonArray(new JsonObject { ["text"] = answer, ["answer_start"] = start }),
            };
            paragraphs.Add(new JsonObject
            {
                ["context"] = context,
                ["qas"] = new JsonArray(
                    Qa($"q{i}-where", $"where was {name} born ?", place, context.IndexOf(place, StringComparison.Ordinal)),
                    Qa($"q{i}-what", $"what did {name} build ?", thing, context.IndexOf(" " + thing, StringComparison.Ordinal) + 1)),
            });
        }
        return new JsonObject { ["version"] = "1.1", ["data"] = new JsonArray(new JsonObject { ["title"] = "tiny", ["paragraphs"] = paragraphs }) }.ToJsonString();
    }
}
