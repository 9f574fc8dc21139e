using Distill.CacheTeacher;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Support;

/// <summary>
/// Inputs of a finished tiny run changed under the same paths, as a user might between a run and its rerun: a cache
/// rebuilt by another teacher, a student re-initialised in place. Works on the tiny set-ups' layout (teacher-run/best,
/// train.jsonl, cache, vocab.txt), which <see cref="TinyDistillation"/> and the multi-task fixture share.
/// </summary>
internal static class ChangedInputs
{
    /// <summary>Copies the files of <paramref name="from"/> (no subdirectories) into <paramref name="to"/>, replacing any there.</summary>
    public static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>Replaces <paramref name="cache"/> with a cache of the same data from the teacher with one weight changed.</summary>
    public static void CacheOfAnotherTeacher(TemporaryDirectory dir, string cache)
    {
        var otherTeacher = dir.File("other-teacher");
        CopyFiles(dir.File("teacher-run", "best"), otherTeacher);
        File.Delete(Path.Combine(otherTeacher, "checksums.json"));
        var weights = Distill.Safetensors.SafetensorsFile.Read(Path.Combine(otherTeacher, "model.safetensors"));
        weights["classifier.bias"].add_(0.5f);
        Distill.Safetensors.SafetensorsFile.Write(Path.Combine(otherTeacher, "model.safetensors"), weights);
        var other = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", otherTeacher, "--task", "classification",
            "--data", dir.File("train.jsonl"), "--out", dir.File("other-cache"), "--hidden-layers", "0,1,2", "--dtype", "fp32",
            "--max-seq-length", "16", "--rows-per-shard", "20");
        Assert.True(other.ExitCode == 0, other.Output + other.Error);
        Directory.Delete(cache, recursive: true);
        CopyFiles(dir.File("other-cache"), cache);
    }

    /// <summary>Puts the set-up's own cache back under <paramref name="cache"/>.</summary>
    public static void RestoreCache(TemporaryDirectory dir, string cache)
    {
        Directory.Delete(cache, recursive: true);
        CopyFiles(dir.File("cache"), cache);
    }

    /// <summary>
    /// Reruns <paramref name="run"/> twice after a finished run: once with the cache rebuilt by another teacher, once with
    /// the cache restored and the student re-initialised; what each rerun gave.
    /// </summary>
    public static (CliRun CacheSwapped, CliRun StudentChanged) Rerun(Func<CliRun> run, TemporaryDirectory dir, string cache, string student)
    {
        CacheOfAnotherTeacher(dir, cache);
        var cacheSwapped = run();
        RestoreCache(dir, cache);
        ReinitialiseStudent(dir, student);
        return (cacheSwapped, run());
    }

    /// <summary>Overwrites the 1-layer student in <paramref name="student"/> with new random weights.</summary>
    public static void ReinitialiseStudent(TemporaryDirectory dir, string student)
    {
        manual_seed(99);
        using var reinitialized = new BertModel(TinyBert.Config() with { NumHiddenLayers = 1 }, addPoolingLayer: true);
        ModelDirectory.Save(student, reinitialized, dir.File("vocab.txt"));
    }
}
