using System.CommandLine;
using Distill.Export.Commands;

namespace Distill.Export;

/// <summary>The <c>export-onnx</c> command tree (kept apart from Program so tests parse real command lines).</summary>
internal static class ExportCli
{
    public static RootCommand Create() => new("export-onnx: write a distilled student as an ONNX graph, check parity, quantize and benchmark it, report on a pipeline")
    {
        new ExportCommand(),
        new ParityCommand(),
        new PredictCommand(),
        new BenchCommand(),
        new QuantizeCommand(),
        new ReportCommand(),
    };
}
