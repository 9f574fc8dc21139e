using System.CommandLine;
using Distill.Cli;

var root = new RootCommand("cache-teacher: run a teacher once over a data set and cache its outputs (sharded Parquet + manifest)");
return await CommandRunner.RunAsync(root, args);
