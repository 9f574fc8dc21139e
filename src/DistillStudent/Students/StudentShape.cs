namespace Distill.DistillStudent.Students;

/// <summary>The four numbers that make a BERT student smaller than its teacher.</summary>
internal sealed record StudentShape(string Name, int Layers, int HiddenSize, int AttentionHeads, int IntermediateSize);
