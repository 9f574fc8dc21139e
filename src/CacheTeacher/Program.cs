using Distill.CacheTeacher;
using Distill.Cli;

return await CommandRunner.RunAsync(CacheTeacherCli.Create(), args);
