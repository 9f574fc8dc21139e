using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Models;

/// <summary>
/// Whatever a model directory holds, loaded in eval mode: a task model when config.json's <c>architectures</c>
/// names a head we know (as transformers decides), else the plain encoder.
/// </summary>
/// <param name="Module">the task model, or the encoder itself</param>
/// <param name="Encoder">the encoder inside <paramref name="Module"/></param>
/// <param name="Kind">the head's task; null for a plain encoder</param>
/// <param name="Labels">the head's labels (empty for QA and a plain encoder)</param>
internal sealed record LoadedModel(nn.Module Module, BertModel Encoder, TaskKind? Kind, IReadOnlyList<string> Labels) : IDisposable
{
    public static LoadedModel Load(string directory)
    {
        var config = BertConfig.Load(ModelDirectory.RequireFile(directory, ModelDirectory.ConfigFile));
        if (config.Architectures?.Select(KindOf).FirstOrDefault(k => k is not null) is { } task)
        {
            var (model, labels) = TaskModelDirectory.Load(directory, task);
            return new LoadedModel(model, model.Encoder, task, labels);
        }
        var encoder = ModelDirectory.LoadBert(directory);
        return new LoadedModel(encoder, encoder, null, []);
    }

    /// <summary>The task of a Hugging Face architecture name; null for one without a head we know.</summary>
    public static TaskKind? KindOf(string architecture) => architecture switch
    {
        "BertForSequenceClassification" => TaskKind.Classification,
        "BertForTokenClassification" => TaskKind.Tagging,
        "BertForQuestionAnswering" => TaskKind.Qa,
        _ => null,
    };

    public void Dispose() => Module.Dispose();
}
