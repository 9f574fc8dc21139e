using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Students;

/// <summary>
/// TextBrewer's student models by name (its README's table of English students and the configs under
/// <c>examples/student_config</c>). T12-nano has no config file there; its 4 heads follow ELECTRA-small,
/// which TextBrewer says it resembles.
/// </summary>
internal static class StudentPresets
{
    private static readonly StudentShape[] Shapes =
    [
        new("T6", 6, 768, 12, 3072),
        new("T3", 3, 768, 12, 3072),
        new("T3-small", 3, 384, 12, 1536),
        new("T4-tiny", 4, 312, 12, 1200),
        new("T12-nano", 12, 256, 4, 1024),
    ];

    public static IReadOnlyList<string> Names { get; } = Shapes.Select(s => s.Name).ToArray();

    /// <summary>The shape named <paramref name="name"/> (case-insensitive, as TextBrewer's tables mix cases).</summary>
    public static StudentShape Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Shapes.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigException($"student preset \"{name}\" is not known; known: {string.Join(", ", Names)}");
    }

    /// <summary>
    /// A student config of the named shape that reads the teacher's inputs: vocabulary size, lower-casing, max
    /// positions, token types and pad id are the teacher's, and so are the activation and LayerNorm eps. Dropout
    /// and initializer range are Hugging Face's defaults, as in TextBrewer's student configs.
    /// </summary>
    public static BertConfig Apply(string name, BertConfig teacher)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        return Apply(Get(name), teacher);
    }

    internal static BertConfig Apply(StudentShape shape, BertConfig teacher) => new()
    {
        VocabSize = teacher.VocabSize,
        DoLowerCase = teacher.DoLowerCase,
        MaxPositionEmbeddings = teacher.MaxPositionEmbeddings,
        TypeVocabSize = teacher.TypeVocabSize,
        PadTokenId = teacher.PadTokenId,
        HiddenAct = teacher.HiddenAct,
        LayerNormEps = teacher.LayerNormEps,
        NumHiddenLayers = shape.Layers,
        HiddenSize = shape.HiddenSize,
        NumAttentionHeads = shape.AttentionHeads,
        IntermediateSize = shape.IntermediateSize,
    };
}
