using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// One BERT encoder with a head per task (TextBrewer's multi-task student). Its state dict holds the encoder once
/// (<c>bert.*</c>) and each head under its task's name (<c>heads.NAME.classifier.*</c>); <see cref="TaskModel"/>
/// copies the encoder and one head into a plain Hugging Face task model.
/// </summary>
internal sealed class MultiTaskModel : nn.Module
{
    private readonly BertModel bert;
    private readonly ModuleDict<TaskHead> heads;

    /// <param name="encoder">the shared encoder (owned from now on)</param>
    /// <param name="tasks">each task's name, kind and number of labels</param>
    public MultiTaskModel(BertModel encoder, IReadOnlyList<(string Name, TaskKind Kind, int Labels)> tasks) : base(nameof(MultiTaskModel))
    {
        bert = encoder;
        heads = nn.ModuleDict<TaskHead>();
        foreach (var (name, kind, labels) in tasks) heads.Add(name, new TaskHead(kind, encoder.Config, labels));
        RegisterComponents();
    }

    public BertModel Encoder => bert;

    public TaskKind KindOf(string task) => Head(task).Kind;

    /// <summary>The encoder run once, then the named task's head.</summary>
    public TaskOutput forward(string task, Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool outputAttentions = false)
    {
        var encoded = bert.forward(inputIds, attentionMask, tokenTypeIds, outputAttentions);
        return new TaskOutput(Head(task).forward(encoded), encoded);
    }

    /// <summary>A standalone task model (eval mode) holding copies of the encoder's and the task head's weights, to save as a Hugging Face directory.</summary>
    public BertTaskModel TaskModel(string task)
    {
        var head = Head(task);
        var labels = StateDict.Of(head)["classifier.weight"].shape[0];
        BertTaskModel model = head.Kind == TaskKind.Classification
            ? new BertForSequenceClassification(bert.Config, (int)labels)
            : new BertForTokenClassification(bert.Config, (int)labels);
        var weights = StateDict.Of(bert)
            .Where(kv => model.Encoder.HasPooler || !kv.Key.StartsWith("pooler.", StringComparison.Ordinal))
            .ToDictionary(kv => "bert." + kv.Key, kv => kv.Value);
        foreach (var (key, value) in StateDict.Of(head)) weights[key] = value;
        StateDict.Load(model, weights, $"task {task}");
        model.eval();
        return model;
    }

    private TaskHead Head(string task) => heads.TryGetValue(task, out var head) ? head!
        : throw new KeyNotFoundException($"the model has no head for task \"{task}\"; it has: {string.Join(", ", heads.keys())}");
}
