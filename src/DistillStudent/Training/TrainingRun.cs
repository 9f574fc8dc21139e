using Distill.Configuration;
using Distill.Models;
using Distill.Tasks;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// One BasicTrainer run from a validated config: prepares the output directory (refusing one that holds a run
/// with another config), loads data and model (from the newest checkpoint when resuming), and trains.
/// </summary>
public static class TrainingRun
{
    public const string ConfigFile = "training_config.json";

    public static TrainingSummary Execute(TrainingConfig config, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var outputDir = Path.GetFullPath(config.OutputDir!);
        Directory.CreateDirectory(outputDir);
        var savedConfig = Path.Combine(outputDir, ConfigFile);
        if (File.Exists(savedConfig))
        {
            var previous = TrainingConfig.Load(savedConfig);
            // Threads change speed, not results: a resumed run may use another count.
            if (previous with { Threads = config.Threads } != config)
            {
                throw new ConfigException($"{outputDir} holds a run with another configuration ({savedConfig}); use a new --out, or delete it to start over");
            }
        }
        config.Save(savedConfig);

        manual_seed(config.Seed);
        var kind = config.TaskKind;
        var store = new CheckpointStore(outputDir);
        var checkpoint = store.Latest();
        var baseConfig = BertConfig.Load(Path.Combine(config.Model!, ModelDirectory.ConfigFile));
        var tokenizer = ModelDirectory.LoadTokenizer(config.Model!, baseConfig);
        var vocabPath = Path.Combine(config.Model!, ModelDirectory.VocabFile);

        var train = TaskDataLoader.Load(kind, config.TrainFile!, tokenizer, null, config.DataSettings);
        var dev = config.DevFile is null ? null : TaskDataLoader.Load(kind, config.DevFile, tokenizer, train.Labels, config.DataSettings);
        foreach (var warning in train.Warnings.Concat(dev?.Warnings ?? [])) log.WriteLine($"warning: {warning}");

        var (model, labels) = TaskModelDirectory.Load(checkpoint ?? config.Model!, kind, kind == TaskKind.Qa ? null : train.Labels);
        using (model)
        {
            var trainer = new BasicTrainer(config, model, labels, train, dev, tokenizer.PadId, new TrainerOutput(outputDir, vocabPath, log, isTerminal));
            return trainer.Train(cancellation);
        }
    }
}
