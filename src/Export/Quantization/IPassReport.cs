namespace Distill.Export.Quantization;

/// <summary>What a graph pass reports: lines for people, whether run from a file or as a step of <c>export</c>.</summary>
internal interface IPassReport
{
    IEnumerable<string> Lines();
}
