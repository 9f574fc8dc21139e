using System.CommandLine;
using Distill.CacheTeacher.Commands;

namespace Distill.CacheTeacher;

/// <summary>The <c>cache-teacher</c> command tree (kept apart from Program so tests parse real command lines).</summary>
internal static class CacheTeacherCli
{
    public static RootCommand Create() => new("cache-teacher: run a teacher once over a data set and cache its outputs (sharded Parquet + manifest)")
    {
        new RunCommand(),
        new MergeCommand(),
        new VerifyCommand(),
    };
}
