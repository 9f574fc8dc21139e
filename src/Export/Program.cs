using Distill.Cli;
using Distill.Export;

return await CommandRunner.RunAsync(ExportCli.Create(), args);
