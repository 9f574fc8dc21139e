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
/// Each is written into a temporary directory, its <see cref="DirectoryChecksums"/> last, and renamed into
/// place, so a killed run never leaves a directory that looks complete but is not. Besides the student's model
/// files a checkpoint holds the extra modules' weights, the optimizer, the RNG state and the trainer state.
/// The trainer saves a checkpoint, publishes <c>best/</c> from it when it is the best, and only then prunes the
/// older checkpoints, keeping the best one's: a kill, a deleted or a damaged <c>best/</c> is then rewritten from it on
/// resume (<see cref="RepairBest"/>), and a finished run never ends without the best model it names
/// (<see cref="RequireBest"/>). No checkpoint is written from weights that are not finite.
/// </summary>
internal sealed class CheckpointStore(string outputDir)
{
    private const string OptimizerFile = "optimizer.bin";
    private const string RngFile = "rng.bin";
    private const string Prefix = "step-";
    private const string PartialPrefix = ".partial-";
    private const string ExtraModulesFile = "extra_modules.safetensors";
    private static readonly HashSet<string> TrainingOnlyFiles = [OptimizerFile, RngFile, ExtraModulesFile, DirectoryChecksums.FileName];

    private string CheckpointsDir => Path.Combine(outputDir, "checkpoints");

    public string BestDir => Path.Combine(outputDir, "best");

    /// <summary>The newest checkpoint whose every file checks out, or null; a damaged newer one is reported to <paramref name="log"/> and skipped.</summary>
    public string? Latest(TextWriter? log = null)
    {
        if (!Directory.Exists(CheckpointsDir)) return null;
        foreach (var checkpoint in Directory.GetDirectories(CheckpointsDir, Prefix + "*").OrderDescending(StringComparer.Ordinal))
        {
            if (DirectoryChecksums.Problem(checkpoint) is not { } problem) return checkpoint;
            log?.WriteLine($"train: skipping incomplete checkpoint {checkpoint}: {problem}");
        }
        return null;
    }

    /// <summary>Writes a checkpoint of the current step and publishes it under its final name; older ones stay until <see cref="Prune"/>.</summary>
    public string Save(TrainerState state, AdaptedModel student, IReadOnlyList<(string Name, nn.Module Module)> extraModules, OptimizerHelper optimizer)
    {
        var nonFinite = StateDict.NonFinite(StateDict.Of(student.Module)).Concat(StateDict.NonFinite(ExtraState(extraModules))).ToList();
        if (nonFinite.Count > 0)
        {
            throw new Runtime.NonFiniteLossException($"step {state.GlobalStep}: the weights are not finite after the optimizer step ({string.Join(", ", nonFinite)}); "
                + "no checkpoint is written from them: the training diverged; lower learning_rate or set max_grad_norm");
        }
        var name = CheckpointName(state.GlobalStep);
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
        DirectoryChecksums.Write(partial);

        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(partial, final);
        return final;
    }

    /// <summary>Deletes every checkpoint but <paramref name="keep"/> and the best step's (call it once <c>best/</c> is published).</summary>
    public void Prune(string keep, long? bestStep)
    {
        var kept = new[] { Path.GetFullPath(keep) }.Concat(bestStep is { } best ? [Path.GetFullPath(Checkpoint(best))] : []).ToHashSet(StringComparer.Ordinal);
        foreach (var other in Directory.GetDirectories(CheckpointsDir, Prefix + "*").Where(d => !kept.Contains(Path.GetFullPath(d))))
        {
            Directory.Delete(other, recursive: true);
        }
    }

    private static string CheckpointName(long step) => Prefix + step.ToString("D8", CultureInfo.InvariantCulture);

    private string Checkpoint(long step) => Path.Combine(CheckpointsDir, CheckpointName(step));

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
        DirectoryChecksums.Write(partial);

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
    /// kill left it missing, incomplete or older, or it was deleted or damaged since (checked against its checksums),
    /// from that step's checkpoint. Returns a line saying what was done, or null when it was current.
    /// </summary>
    public string? RepairBest(string checkpoint, TrainerState state)
    {
        string? done = null;
        if (state.BestStep is { } bestStep && !BestHolds(bestStep))
        {
            var source = bestStep == state.GlobalStep ? checkpoint : Checkpoint(bestStep);
            if (DirectoryChecksums.Problem(source) is null)
            {
                PublishBest(source);
                done = $"train: {BestDir} did not hold step {bestStep}, the best so far (missing, damaged, or a run was killed before publishing it); rewritten from {source}";
            }
            else
            {
                done = $"train: warning: {BestDir} does not hold step {bestStep}, the best so far, and its checkpoint {source} is gone or damaged; it is rewritten at the next better checkpoint";
            }
        }
        // What a kill inside PublishBest left beside it.
        foreach (var leftover in new[] { BestDir + ".partial", BestDir + ".old" }.Where(Directory.Exists)) Directory.Delete(leftover, recursive: true);
        return done;
    }

    /// <summary>
    /// At the end of a run: fails unless <see cref="BestDir"/> holds the step <paramref name="state"/> names as best,
    /// checked against its checksums, so that a run never reports success without its best model.
    /// </summary>
    public void RequireBest(TrainerState state)
    {
        if (state.BestStep is not { } bestStep || BestHolds(bestStep)) return;
        var problem = DirectoryChecksums.Problem(BestDir) ?? $"it holds another step than {bestStep}";
        throw new ModelLoadException($"{BestDir} does not hold the best model of this run (step {bestStep}): {problem}; and the checkpoint "
            + $"{Checkpoint(bestStep)} it would be rewritten from is gone or damaged. The last checkpoint, step {state.GlobalStep}, is in {CheckpointsDir}; "
            + "rerun into a new output directory to train again");
    }

    private bool BestHolds(long step)
    {
        var stateFile = Path.Combine(BestDir, TrainerState.FileName);
        return DirectoryChecksums.Problem(BestDir) is null && File.Exists(stateFile) && TrainerState.Load(stateFile).GlobalStep == step;
    }

    private static Dictionary<string, Tensor> ExtraState(IReadOnlyList<(string Name, nn.Module Module)> extraModules) =>
        extraModules.SelectMany(m => StateDict.Of(m.Module).Select(kv => (Key: $"{m.Name}.{kv.Key}", kv.Value))).ToDictionary(p => p.Key, p => p.Value);

    private static void LoadInto(nn.Module module, string path, string? prefix) => StateDictFile.Load(module, path, prefix, onlyPrefixed: prefix is not null);
}
