namespace Distill.Export.Parity;

/// <summary>How one output of the ONNX model compares with our model's, over real (unpadded) positions.</summary>
/// <param name="Name">the output's name</param>
/// <param name="MaxAbsDiff">the largest absolute difference</param>
/// <param name="MeanAbsDiff">the mean absolute difference</param>
/// <param name="Values">how many values were compared</param>
/// <param name="Agreement">the fraction of argmax decisions that agree (classes, tags, span ends); null where none is taken</param>
/// <param name="Decisions">how many argmax decisions were compared</param>
internal sealed record OutputParity(string Name, double MaxAbsDiff, double MeanAbsDiff, long Values, double? Agreement, long Decisions);
