using Distill.CacheTeacher;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent;
using Distill.DistillStudent.Runs;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Support;

/// <summary>
/// A tiny distillation set-up in a directory: the tiny sentiment data, a teacher fine-tuned on it (BasicTrainer),
/// its cache (hidden layers 0, 1, 2, fp32) written by cache-teacher, and a random 1-layer student at the
/// teacher's vocabulary.
/// </summary>
internal static class TinyDistillation
{
    public const int TrainCount = 48;

    /// <summary>
    /// A student vocabulary that splits some of the teacher's words (mo ##vie, fi ##lm, go ##od, aw ##ful) and lacks
    /// others ("is"), so that its tokens differ from the teacher's in number and place.
    /// </summary>
    public const string SplitVocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\nmo\n##vie\nfi\n##lm\nplot\nwas\nvery\ngo\n##od\ngreat\nfun\nbad\naw\n##ful\nboring\nacting\nmusic\n.\n!\n";

    public static void Write(TemporaryDirectory dir)
    {
        var encoderDir = TinyTask.Write(dir.Path, trainCount: TrainCount, devCount: 16);
        var teacher = new TrainingConfig
        {
            Task = "classification", Model = encoderDir, TrainFile = dir.File("train.jsonl"), DevFile = dir.File("dev.jsonl"),
            OutputDir = dir.File("teacher-run"), NumEpochs = 15, BatchSize = 4, LearningRate = 5e-3, MaxSeqLength = 16, Seed = 1,
        }.Validate("test");
        var trained = TrainingRun.Execute(teacher, new StringWriter(), isTerminal: false);
        // A teacher that learnt nothing would make every distillation test pass trivially.
        if (!(trained.BestMetric >= 0.9)) throw new InvalidOperationException($"the tiny teacher reached dev accuracy {trained.BestMetric} only");

        var cache = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", dir.File("teacher-run", "best"), "--task", "classification",
            "--data", dir.File("train.jsonl"), "--out", dir.File("cache"), "--hidden-layers", "0,1,2", "--dtype", "fp32",
            "--max-seq-length", "16", "--rows-per-shard", "20");
        if (cache.ExitCode != 0) throw new InvalidOperationException(cache.Output + cache.Error);

        manual_seed(5);
        using var student = new BertModel(TinyBert.Config() with { NumHiddenLayers = 1 }, addPoolingLayer: true);
        ModelDirectory.Save(dir.File("student"), student, dir.File("vocab.txt"));
    }

    /// <summary>The arguments of a cached General distillation of the student (kd ce at T=2, plus hidden_mse T2↔S1).</summary>
    public static string[] DistillArgs(TemporaryDirectory dir, string output, string train = "train.jsonl", string? distillConfig = null, params string[] extra)
    {
        File.WriteAllText(dir.File("distill.json"), """
            {"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0.5,
             "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
            """);
        return ["distill", "--student", dir.File("student"), "--cache", dir.File("cache"), "--distill-config", distillConfig ?? dir.File("distill.json"),
            "--task", "classification", "--train", dir.File(train), "--dev", dir.File("dev.jsonl"), "--out", output,
            "--batch-size", "4", "--lr", "5e-3", "--max-seq-length", "16", "--seed", "9", .. (extra.Contains("--epochs") ? extra : [.. extra, "--epochs", "20"])];
    }

    /// <summary>
    /// build-vocab (or the vocabulary given) then init-student --vocab: a random 1-layer classifier whose token ids are
    /// not the teacher's (build-vocab's 21 pieces are ordered by use on the data, the teacher's 50 by the tiny
    /// vocabulary's order; learnt with <c>--learn</c>, mostly pieces the teacher lacks); returns its directory.
    /// </summary>
    public static string OwnVocabularyStudent(TemporaryDirectory dir, string name, string? vocab = null, int size = 40, params string[] buildVocab)
    {
        var teacher = dir.File("teacher-run", "best");
        if (vocab is null)
        {
            vocab = dir.File($"{name}.txt");
            var built = CliRun.Invoke(DistillStudentCli.Create(), ["build-vocab", .. buildVocab, "--teacher", teacher, "--data", dir.File("train.jsonl"), "--size", size.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", vocab]);
            if (built.ExitCode != 0) throw new InvalidOperationException(built.Output + built.Error);
        }
        var config = BertConfig.Load(Path.Combine(teacher, "config.json")) with
        {
            NumHiddenLayers = 1, VocabSize = File.ReadAllLines(vocab).Length, Architectures = null, Id2Label = null, Label2Id = null,
        };
        config.Save(dir.File($"{name}-config.json"));
        var student = dir.File($"{name}-student");
        var init = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", teacher, "--config", dir.File($"{name}-config.json"), "--vocab", vocab, "--out", student);
        if (init.ExitCode != 0) throw new InvalidOperationException(init.Output + init.Error);
        return student;
    }
}
