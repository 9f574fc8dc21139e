using Distill.Cli;
using Distill.Export;

return await CommandRunner.RunAsync(ExportOnnxCli.Create(), args);
