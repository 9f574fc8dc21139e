using Distill.Models;
using Distill.Tests.Support;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Tests.Export;

/// <summary>A tiny random classification model saved as a Hugging Face directory, beside the tiny task's data.</summary>
internal static class TinyModelDirectory
{
    public static readonly IReadOnlyList<string> Labels = ["neg", "pos"];

    /// <summary>Writes DIR/model (config with architectures and id2label, weights, vocab), DIR/train.jsonl and DIR/dev.jsonl; returns the model directory.</summary>
    public static string Write(TemporaryDirectory dir)
    {
        TinyTask.Write(dir.Path, trainCount: 12, devCount: 4);
        var directory = dir.File("model");
        var config = TinyExportModels.Config() with { VocabSize = TinyTask.Vocabulary.Length };
        using var model = TinyExportModels.Create(TaskKind.Classification, config: config, labels: Labels);
        TaskModelDirectory.Save(directory, (BertTaskModel)model.Module, Labels, dir.File("vocab.txt"));
        return directory;
    }
}
