using Distill.Models;
using Distill.Tasks;

namespace Distill.Teachers;

/// <summary>A teacher model that can be run over batches of features: a TorchSharp model or an ONNX graph.</summary>
internal interface ITeacherModel : IDisposable
{
    TaskKind Kind { get; }

    /// <summary>Logits per position: classes, or 2 for QA start/end.</summary>
    int LogitWidth { get; }

    int HiddenSize { get; }
    int NumLayers { get; }
    int NumHeads { get; }
    bool HasPooler { get; }

    /// <summary>Runs one batch (inference mode) and returns one output per feature, in order.</summary>
    IReadOnlyList<TeacherOutput> Run(IReadOnlyList<TrainingFeature> batch, TeacherRequest request);
}
