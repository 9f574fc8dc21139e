using System.Globalization;
using Distill.DistillStudent.Adaptors;
using Distill.IO;
using Distill.Models;
using Distill.Safetensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// Checkpoints under <c>OUTPUT/checkpoints/step-NNNNNNNN/</c> and the best model under <c>OUTPUT/best/</c>.
/// Each is written into a temporary directory, its <see cref="CheckpointChecksums"/> last, and renamed into
/// place, so a killed run never leaves a directory that looks complete but is not. Besides the student's model
/// files a checkpoint holds the extra modules' weights, the optimizer, the RNG state and the trainer state.
/// The trainer saves a checkpoint, publishes <c>best/</c> from it when it is the best, and only then prunes the
/// older checkpoints; a kill between those leaves a checkpoint whose state names itself as the best, from which
/// <see cref="RepairBest"/> rewrites <c>best/</c> on resume.
/// </summary>
public sealed class CheckpointStore(string outputDir)
{
    private const string OptimizerFile = "optimizer.bin";
    private const string RngFile = "rng.bin";
    private const string Prefix = "step-";
    private const string PartialPrefix = ".partial-";
    private const string ExtraModulesFile = "extra_modules.safetensors";
    private static readonly HashSet<string> TrainingOnlyFiles = [OptimizerFile, RngFile, ExtraModulesFile, CheckpointChecksums.FileName];

    private string CheckpointsDir => Path.Combine(outputDir, "checkpoints");

    public string BestDir => Path.Combine(outputDir, "best");

    /// <summary>The newest checkpoint whose every file checks out, or null; a damaged newer one is reported to <paramref name="log"/> and skipped.</summary>
    public string? Latest(TextWriter? log = null)
    {
        if (!Directory.Exists(CheckpointsDir)) return null;
        foreach (var checkpoint in Directory.GetDirectories(CheckpointsDir, Prefix + "*").OrderDescending(StringComparer.Ordinal))
        {
            if (CheckpointChecksums.Problem(checkpoint) is not { } problem) return checkpoint;
            log?.WriteLine($"train: skipping incomplete checkpoint {checkpoint}: {problem}");
        }
        return null;
    }

    /// <summary>Writes a checkpoint of the current step and publishes it under its final name; older ones stay until <see cref="Prune"/>.</summary>
    public string Save(TrainerState state, AdaptedModel student, IReadOnlyList<(string Name, nn.Module Module)> extraModules, OptimizerHelper optimizer)
    {
        var name = Prefix + state.GlobalStep.ToString("D8", CultureInfo.InvariantCulture);
        var final = Path.Combine(CheckpointsDir, name);
        Directory.CreateDirectory(CheckpointsDir);
        // Leftovers of a killed run's writes: never complete, never read.
        foreach (var leftover in Directory.GetDirectories(CheckpointsDir, PartialPrefix + "*")) Directory.Delete(leftover, recursive: true);
        var partial = Path.Combine(CheckpointsDir, PartialPrefix + name);
        Directory.CreateDirectory(partial);

        if (student.Save is { } save) save(partial);
        else SafetensorsFile.Write(Path.Combine(partial, ModelDirectory.WeightsFile), StateDict.Of(student.Module));
        if (extraModules.Count > 0) SafetensorsFile.Write(Path.Combine(partial, ExtraModulesFile), ExtraState(extraModules));
        AtomicFile.Write(Path.Combine(partial, OptimizerFile), stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });
        using (var rng = get_rng_state())
        {
            AtomicFile.Write(Path.Combine(partial, RngFile), stream => stream.Write(rng.bytes));
        }
        state.Save(Path.Combine(partial, TrainerState.FileName));
        PausePoint.Reach("checkpoint", state.GlobalStep);
        CheckpointChecksums.Write(partial);

        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(partial, final);
        return final;
    }

    /// <summary>Deletes every checkpoint but <paramref name="keep"/> (call it once <c>best/</c> no longer needs them).</summary>
    public void Prune(string keep)
    {
        foreach (var other in Directory.GetDirectories(CheckpointsDir, Prefix + "*").Where(d => Path.GetFullPath(d) != Path.GetFullPath(keep)))
        {
            Directory.Delete(other, recursive: true);
        }
    }

    /// <summary>
    /// Loads a checkpoint's weights into the student and the extra modules, and restores the optimizer and RNG
    /// state, so that training continues exactly where the checkpoint was taken.
    /// </summary>
    public TrainerState Restore(string checkpoint, nn.Module student, IReadOnlyList<(string Name, nn.Module Module)> extraModules, OptimizerHelper optimizer)
    {
        LoadInto(student, Path.Combine(checkpoint, ModelDirectory.WeightsFile), null);
        foreach (var (name, module) in extraModules) LoadInto(module, Path.Combine(checkpoint, ExtraModulesFile), name + ".");
        optimizer.load_state_dict(Path.Combine(checkpoint, OptimizerFile));
        var bytes = File.ReadAllBytes(Path.Combine(checkpoint, RngFile));
        using (var rng = tensor(bytes, dtype: ScalarType.Byte))
        {
            set_rng_state(rng);
        }
        return TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName));
    }

    /// <summary>
    /// Publishes a checkpoint's model files (not the optimizer, RNG or extra modules) as <see cref="BestDir"/>:
    /// copied into a temporary directory with their checksums, then renamed over the old one.
    /// </summary>
    public void PublishBest(string checkpoint)
    {
        var step = TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName)).GlobalStep;
        var partial = BestDir + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        foreach (var file in Directory.GetFiles(checkpoint).Where(f => !TrainingOnlyFiles.Contains(Path.GetFileName(f))))
        {
            AtomicFile.Copy(file, Path.Combine(partial, Path.GetFileName(file)));
        }
        CheckpointChecksums.Write(partial);

        // Directories cannot be renamed over each other: the old one goes aside first. A kill in between leaves no
        // best/, which RepairBest restores from the checkpoint (still there: pruning comes after).
        var old = BestDir + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(BestDir)) Directory.Move(BestDir, old);
        PausePoint.Reach("best-swap", step);
        Directory.Move(partial, BestDir);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// On resume: makes <see cref="BestDir"/> the model of the step <paramref name="state"/> names as best, when a
    /// kill left it missing, incomplete or older. Returns a line saying what was done, or null when it was current.
    /// </summary>
    public string? RepairBest(string checkpoint, TrainerState state)
    {
        string? done = null;
        if (state.BestStep is { } bestStep && !BestHolds(bestStep))
        {
            if (bestStep == state.GlobalStep)
            {
                PublishBest(checkpoint);
                done = $"train: {BestDir} did not hold step {bestStep}, the best so far (a run was killed before publishing it); rewritten from {checkpoint}";
            }
            else
            {
                done = $"train: warning: {BestDir} does not hold step {bestStep}, the best so far, and its checkpoint is gone; it is rewritten at the next better checkpoint";
            }
        }
        // What a kill inside PublishBest left beside it.
        foreach (var leftover in new[] { BestDir + ".partial", BestDir + ".old" }.Where(Directory.Exists)) Directory.Delete(leftover, recursive: true);
        return done;
    }

    private bool BestHolds(long step)
    {
        var stateFile = Path.Combine(BestDir, TrainerState.FileName);
        return CheckpointChecksums.Problem(BestDir) is null && File.Exists(stateFile) && TrainerState.Load(stateFile).GlobalStep == step;
    }

    private static Dictionary<string, Tensor> ExtraState(IReadOnlyList<(string Name, nn.Module Module)> extraModules) =>
        extraModules.SelectMany(m => StateDict.Of(m.Module).Select(kv => (Key: $"{m.Name}.{kv.Key}", kv.Value))).ToDictionary(p => p.Key, p => p.Value);

    private static void LoadInto(nn.Module module, string path, string? prefix)
    {
        var weights = SafetensorsFile.Read(path);
        try
        {
            var mine = prefix is null ? weights : weights.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            StateDict.Load(module, mine, path);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }
}
