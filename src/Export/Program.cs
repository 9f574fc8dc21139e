using System.CommandLine;
using Distill.Cli;

var root = new RootCommand("export-onnx: write a distilled student as an ONNX graph, check parity, quantize and benchmark it");
return await CommandRunner.RunAsync(root, args);
