using System.Globalization;
using Distill.DistillStudent.Adaptors;
using Distill.Models;
using Distill.Safetensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// Checkpoints under <c>OUTPUT/checkpoints/step-NNNNNNNN/</c> and the best model under <c>OUTPUT/best/</c>.
/// Each is written into a temporary directory and renamed into place, so a killed run never leaves a
/// checkpoint that looks complete but is not; only the newest checkpoint is kept. Besides the student's model
/// files a checkpoint holds the extra modules' weights, the optimizer, the RNG state and the trainer state.
/// </summary>
public sealed class CheckpointStore(string outputDir)
{
    private const string OptimizerFile = "optimizer.bin";
    private const string RngFile = "rng.bin";
    private const string Prefix = "step-";
    private const string ExtraModulesFile = "extra_modules.safetensors";
    private static readonly HashSet<string> TrainingOnlyFiles = [OptimizerFile, RngFile, ExtraModulesFile];

    private string CheckpointsDir => Path.Combine(outputDir, "checkpoints");

    public string BestDir => Path.Combine(outputDir, "best");

    /// <summary>The newest complete checkpoint, or null.</summary>
    public string? Latest()
    {
        if (!Directory.Exists(CheckpointsDir)) return null;
        return Directory.GetDirectories(CheckpointsDir, Prefix + "*")
            .Where(d => File.Exists(Path.Combine(d, TrainerState.FileName)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .LastOrDefault();
    }

    public string Save(TrainerState state, AdaptedModel student, IReadOnlyList<(string Name, nn.Module Module)> extraModules, OptimizerHelper optimizer)
    {
        var name = Prefix + state.GlobalStep.ToString("D8", CultureInfo.InvariantCulture);
        var final = Path.Combine(CheckpointsDir, name);
        var partial = Path.Combine(CheckpointsDir, ".partial-" + name);
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);

        if (student.Save is { } save) save(partial);
        else SafetensorsFile.Write(Path.Combine(partial, ModelDirectory.WeightsFile), StateDict.Of(student.Module));
        if (extraModules.Count > 0) SafetensorsFile.Write(Path.Combine(partial, ExtraModulesFile), ExtraState(extraModules));
        optimizer.save_state_dict(Path.Combine(partial, OptimizerFile));
        using (var rng = get_rng_state())
        {
            File.WriteAllBytes(Path.Combine(partial, RngFile), rng.bytes.ToArray());
        }
        // The state file goes last: its presence is what marks the checkpoint complete.
        state.Save(Path.Combine(partial, TrainerState.FileName));

        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(partial, final);
        foreach (var older in Directory.GetDirectories(CheckpointsDir, Prefix + "*").Where(d => string.CompareOrdinal(d, final) < 0))
        {
            Directory.Delete(older, recursive: true);
        }
        return final;
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

    /// <summary>Copies a checkpoint's model files (not the optimizer, RNG or extra modules) to <see cref="BestDir"/>.</summary>
    public void SaveBest(string checkpoint)
    {
        var partial = BestDir + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        foreach (var file in Directory.GetFiles(checkpoint).Where(f => !TrainingOnlyFiles.Contains(Path.GetFileName(f))))
        {
            File.Copy(file, Path.Combine(partial, Path.GetFileName(file)));
        }
        if (Directory.Exists(BestDir)) Directory.Delete(BestDir, recursive: true);
        Directory.Move(partial, BestDir);
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
