using System.Text.Json.Nodes;
using Distill.DistillStudent.MultiTask;
using Distill.IO;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>What a run records in its output directory to claim it: the file's name, its JSON, and the fields that may change on a rerun.</summary>
/// <param name="FileName">the record's name inside the output directory (e.g. <c>distill_run.json</c>)</param>
/// <param name="Json">this run's configuration (and the identities of its inputs)</param>
/// <param name="Ignored">fields (paths such as <c>training.threads</c>) that may change between a run and its resumption</param>
internal sealed record RunRecord(string FileName, string Json, IReadOnlyCollection<string>? Ignored = null);

/// <summary>
/// An output directory belongs to one run: the first run records its configuration there, and a rerun (to resume)
/// must bring the same one; a different one is refused, naming each field that changed, as is a directory holding
/// another kind of run. The claim also holds the directory's lock (<see cref="DirectoryLock"/>, as
/// <c>cache-teacher run</c> does) for the whole run, so that two runs never write into one directory; the OS
/// releases it when the process ends, even by kill -9. <see cref="Training.TrainerBase"/> claims when it starts,
/// after every check of the run's inputs, so that a refused run leaves no directory behind.
/// </summary>
internal static class RunDirectory
{
    public const string LockFile = ".lock";

    /// <summary>Every record a run writes; a directory holding one is that kind of run's.</summary>
    private static readonly string[] RecordFiles = [TrainingRun.ConfigFile, DistillRunConfig.FileName, MultiTaskConfig.FileName, Training.TrainerBase.RunFile];

    /// <summary>Locks <paramref name="outputDir"/> (creating it if needed), then checks or writes the record; dispose the claim to unlock.</summary>
    public static RunClaim Claim(string outputDir, RunRecord record)
    {
        outputDir = Path.GetFullPath(outputDir);
        var created = !Directory.Exists(outputDir);
        Directory.CreateDirectory(outputDir);
        var lockFile = Path.Combine(outputDir, LockFile);
        var held = DirectoryLock.TryAcquire(lockFile)
            ?? throw new ConfigException($"another run is writing into {outputDir} ({lockFile} is locked); wait for it or stop it, or use another output directory");
        var claim = new RunClaim(outputDir, created, held);
        try
        {
            Check(outputDir, record);
            AtomicFile.WriteAllText(Path.Combine(outputDir, record.FileName), record.Json + "\n");
            return claim;
        }
        catch
        {
            claim.Abandon();
            throw;
        }
    }

    private static void Check(string outputDir, RunRecord record)
    {
        var others = RecordFiles.Where(f => f != record.FileName && File.Exists(Path.Combine(outputDir, f))).ToList();
        if (others.Count > 0)
        {
            throw new ConfigException($"{outputDir} holds another kind of run ({string.Join(", ", others)}; this run records {record.FileName}); "
                + "use a new output directory, or delete it to start over");
        }
        var saved = Path.Combine(outputDir, record.FileName);
        if (!File.Exists(saved))
        {
            if (Directory.Exists(Path.Combine(outputDir, "checkpoints")))
            {
                throw new ConfigException($"{outputDir} holds checkpoints but no {record.FileName} saying which run wrote them; use a new output directory, or delete it to start over");
            }
            return;
        }
        var ignored = record.Ignored;
        var changed = JsonDiff.Paths(JsonNode.Parse(File.ReadAllText(saved)), JsonNode.Parse(record.Json))
            .Where(path => ignored is null || !ignored.Any(i => path == i || path.StartsWith(i + ".", StringComparison.Ordinal) || path.StartsWith(i + "[", StringComparison.Ordinal)))
            .ToList();
        if (changed.Count > 0)
        {
            throw new ConfigException($"{outputDir} holds a run with another configuration ({saved}): {string.Join(", ", changed)} changed; "
                + "use a new output directory, or delete it to start over");
        }
    }
}

/// <summary>A claimed run directory: holds its lock until disposed.</summary>
internal sealed class RunClaim : IDisposable
{
    private readonly FileStream held;

    internal RunClaim(string outputDir, bool created, FileStream held)
    {
        OutputDir = outputDir;
        Created = created;
        this.held = held;
    }

    public string OutputDir { get; }

    /// <summary>Whether this claim created the directory (a rerun's claim did not).</summary>
    public bool Created { get; }

    /// <summary>
    /// Ends a run that failed before it saved anything worth resuming: removes the directory if this claim created
    /// it (so that the corrected command is not refused as another configuration), then releases the lock.
    /// </summary>
    public void Abandon()
    {
        if (Created && Directory.Exists(OutputDir)) Directory.Delete(OutputDir, recursive: true);
        held.Dispose();
    }

    public void Dispose() => held.Dispose();
}
