using System.CommandLine;
using Distill.DistillStudent.Commands;

namespace Distill.DistillStudent;

/// <summary>The <c>distill-student</c> command tree (kept apart from Program so tests parse real command lines).</summary>
internal static class DistillStudentCli
{
    public static RootCommand Create() => new("distill-student: import teachers, train and distill students (TextBrewer-style) from a teacher cache")
    {
        new ImportOnnxCommand(),
        new ParamsCommand(),
        new TrainCommand(),
        new EvalCommand(),
        new InitStudentCommand(),
        new BuildVocabCommand(),
        new AugmentCommand(),
        new FoldsCommand(),
        new DistillCommand(),
        new DistillMultiTaskCommand(),
        new RecipeCommand(),
    };
}
