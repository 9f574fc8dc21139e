using Distill.Cli;
using Distill.DistillStudent;

return await CommandRunner.RunAsync(DistillStudentCli.Create(), args);
