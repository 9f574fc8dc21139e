using static TorchSharp.torch;

namespace Distill.DistillStudent.Adaptors;

/// <summary>Runs a model on a batch and returns its raw output (whatever the model's forward returns).</summary>
public delegate object ModelForward(Feeds.Batch batch);

/// <summary>Maps a batch and the model's raw output to what distillers read (TextBrewer's adaptor).</summary>
public delegate AdaptorOutput Adaptor(Feeds.Batch batch, object modelOutput);

/// <summary>
/// Any TorchSharp module, unchanged, with how to call it on a batch and how to read its output. The module's
/// parameters are what the trainer optimizes (for a student) and its state dict what checkpoints hold.
/// </summary>
/// <param name="Module">the model</param>
/// <param name="Forward">calls the model on a batch</param>
/// <param name="Adapt">reads the output</param>
/// <param name="Save">writes the model into a directory (a checkpoint, the best model); by default its state
/// dict as <c>model.safetensors</c>, which is also what a resumed run loads back</param>
public sealed record AdaptedModel(nn.Module Module, ModelForward Forward, Adaptor Adapt, Action<string>? Save = null)
{
    /// <summary>Forward then adapt.</summary>
    public AdaptorOutput Run(Feeds.Batch batch) => Adapt(batch, Forward(batch));
}
