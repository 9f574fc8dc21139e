using Distill.CacheTeacher;
using Distill.DistillStudent;
using Distill.Export;
using Distill.Tests.Inference;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Runs;

/// <summary>
/// Inputs that used to pass every check and crash later (exit 70) are refused up front by each stage, with exit 3,
/// the file and the place, and no output left: a maximum sequence length beyond the model's positions, a damaged
/// vocab.txt (empty, a duplicate line, more lines than vocab_size).
/// </summary>
public sealed class StageInputGuardTests
{
    private static CliRun Student(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    private static CliRun Train(TemporaryDirectory dir, string model, string output, string maxSeqLength = "16") =>
        Student("train", "--task", "classification", "--model", model, "--train", dir.File("train.jsonl"), "--dev", dir.File("dev.jsonl"),
            "--out", output, "--batch-size", "4", "--max-seq-length", maxSeqLength, "--epochs", "1", "--seed", "1", "--threads", "1");

    private static CliRun Eval(TemporaryDirectory dir, string model, string data, string maxSeqLength = "16") =>
        Student("eval", "--task", "classification", "--model", model, "--data", data, "--max-seq-length", maxSeqLength);

    private static CliRun Cache(TemporaryDirectory dir, string model, string output, string maxSeqLength = "16") =>
        CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", model, "--task", "classification", "--data", dir.File("train.jsonl"),
            "--out", output, "--max-seq-length", maxSeqLength, "--rows-per-shard", "20");

    private static void AssertRefused(CliRun run, string? output, params string[] messages)
    {
        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Output}{run.Error}");
        foreach (var message in messages) Assert.Contains(message, run.Error);
        if (output is not null) Assert.False(Directory.Exists(output), $"{output} was left behind");
    }

    [Fact]
    public void TrainEvalCache_MaxSeqLengthAboveMaxPositionEmbeddings_RefusedUpFront()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        var trained = Train(dir, encoderDir, dir.File("trained"));
        Assert.True(trained.ExitCode == 0, trained.Output + trained.Error);
        // A line longer than the model's 32 positions: the crash came only when such a line was read.
        File.WriteAllText(dir.File("long.jsonl"), $$"""{"text": "{{string.Join(" ", Enumerable.Repeat("the movie was very good", 12))}}", "label": "pos"}""" + "\n");

        var train = Train(dir, encoderDir, dir.File("out"), maxSeqLength: "64");
        var eval = Eval(dir, dir.File("trained", "best"), dir.File("long.jsonl"), maxSeqLength: "64");
        var cache = Cache(dir, dir.File("trained", "best"), dir.File("cache"), maxSeqLength: "64");

        AssertRefused(train, dir.File("out"), "max_seq_length 64", "max_position_embeddings 32");
        AssertRefused(eval, null, "max_seq_length 64", "max_position_embeddings 32");
        AssertRefused(cache, dir.File("cache"), "max_seq_length 64", "max_position_embeddings 32");
    }

    [Fact]
    public void Bench_LengthAboveMaxPositionEmbeddings_RefusedUpFront()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("a"));
        File.WriteAllText(dir.File("a", "config.json"), """{"max_position_embeddings": 32}""");

        var run = CliRun.Invoke(ExportCli.Create(), "bench", "--onnx", model, "--lengths", "16,600", "--iterations", "1", "--warmup", "0",
            "--batch-size", "1", "--batches", "1", "--cpu");

        AssertRefused(run, null, "600 tokens", "max_position_embeddings 32");
    }

    public static TheoryData<string, string, string> DamagedVocabularies => new()
    {
        { "empty", "", "vocab.txt: the vocabulary is empty" },
        { "duplicate", string.Join("\n", TinyTask.Vocabulary.Append("good")) + "\n", "vocab.txt:line 23: \"good\" is already on line 13" },
        { "too long", string.Join("\n", TinyTask.Vocabulary.Concat(Enumerable.Range(0, 40).Select(i => $"w{i}"))) + "\n", "vocab.txt:line 51" },
    };

    [Theory]
    [MemberData(nameof(DamagedVocabularies))]
    public void EveryStage_DamagedVocabulary_Exit3NamingFileAndLine_NoOutput(string name, string vocab, string message)
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        var trained = Train(dir, encoderDir, dir.File("trained"));
        Assert.True(trained.ExitCode == 0, name + trained.Output + trained.Error);
        File.WriteAllText(Path.Combine(encoderDir, "vocab.txt"), vocab);
        var model = dir.File("model");
        Directory.CreateDirectory(model);
        foreach (var file in new[] { "config.json", "model.safetensors" }) File.Copy(dir.File("trained", "best", file), Path.Combine(model, file));
        File.WriteAllText(Path.Combine(model, "vocab.txt"), vocab);

        var train = Train(dir, encoderDir, dir.File("out"));
        var eval = Eval(dir, model, dir.File("dev.jsonl"));
        var cache = Cache(dir, model, dir.File("cache"));
        var init = Student("init-student", "--teacher", model, "--layers", "0", "--out", dir.File("student"));

        AssertRefused(train, dir.File("out"), message);
        AssertRefused(eval, null, message);
        AssertRefused(cache, dir.File("cache"), message);
        AssertRefused(init, dir.File("student"), message);
    }

    [SkippableFact]
    public void ImportOnnx_DuplicateVocabularyLine_Exit3AndNoDirectory()
    {
        TestAssets.RequireMiniLm();
        using var dir = new TemporaryDirectory();
        var lines = File.ReadAllLines(TestAssets.MiniLmVocab).ToList();
        lines[2000] = lines[1000];
        File.WriteAllLines(dir.File("vocab.txt"), lines);

        var run = Student("import-onnx", "--onnx", TestAssets.MiniLmOnnx, "--vocab", dir.File("vocab.txt"), "--out", dir.File("minilm"));

        AssertRefused(run, dir.File("minilm"), "vocab.txt:line 2001", "line 1001");
    }
}
