using System.Globalization;
using Distill.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// Checkpoints under <c>OUTPUT/checkpoints/step-NNNNNNNN/</c> and the best model under <c>OUTPUT/best/</c>.
/// Each is written into a temporary directory and renamed into place, so a killed run never leaves a
/// checkpoint that looks complete but is not; only the newest checkpoint is kept.
/// </summary>
public sealed class CheckpointStore(string outputDir)
{
    private const string OptimizerFile = "optimizer.bin";
    private const string RngFile = "rng.bin";
    private const string Prefix = "step-";

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

    public string Save(TrainerState state, BertTaskModel model, IReadOnlyList<string> labels, string vocabPath, AdamW optimizer)
    {
        var name = Prefix + state.GlobalStep.ToString("D8", CultureInfo.InvariantCulture);
        var final = Path.Combine(CheckpointsDir, name);
        var partial = Path.Combine(CheckpointsDir, ".partial-" + name);
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);

        TaskModelDirectory.Save(partial, model, labels, vocabPath);
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

    /// <summary>Restores the optimizer and RNG state of a checkpoint (the model is loaded from it as a model directory).</summary>
    public static TrainerState Restore(string checkpoint, AdamW optimizer)
    {
        optimizer.load_state_dict(Path.Combine(checkpoint, OptimizerFile));
        var bytes = File.ReadAllBytes(Path.Combine(checkpoint, RngFile));
        using (var rng = tensor(bytes, dtype: ScalarType.Byte))
        {
            set_rng_state(rng);
        }
        return TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName));
    }

    /// <summary>Copies a checkpoint's model files to <see cref="BestDir"/>.</summary>
    public void SaveBest(string checkpoint)
    {
        var partial = BestDir + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        foreach (var file in new[] { ModelDirectory.ConfigFile, ModelDirectory.WeightsFile, ModelDirectory.VocabFile, TrainerState.FileName })
        {
            File.Copy(Path.Combine(checkpoint, file), Path.Combine(partial, file));
        }
        if (Directory.Exists(BestDir)) Directory.Delete(BestDir, recursive: true);
        Directory.Move(partial, BestDir);
    }
}
