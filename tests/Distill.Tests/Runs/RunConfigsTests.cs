using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Training;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Runs;

public sealed class RunConfigsTests
{
    private static readonly TrainingConfig Training = new() { Model = "student", TrainFile = "train.jsonl", OutputDir = "out" };

    [Theory]
    [InlineData("multiteacher", typeof(MultiTeacherDistiller))]
    [InlineData("multitask", typeof(MultiTaskDistiller))]
    [InlineData("general", typeof(GeneralDistiller))]
    [InlineData("basic", typeof(BasicDistiller))]
    public void TextBrewerDistillerNames_AcceptedAndBuilt(string name, Type type)
    {
        TestAssets.EnsureTorch();
        var problems = new List<string>();
        var distillation = RunConfigs.Check("run.json", Training, new DistillationConfig(), name, problems);

        var model = new AdaptedModel(nn.Identity(), _ => throw new NotSupportedException(), (_, _) => throw new NotSupportedException());
        var distiller = RunConfigs.CreateDistiller(name, Training, distillation, model, null!, new TrainerOutput("out", TextWriter.Null, false), null);

        Assert.Empty(problems);
        Assert.IsType(type, distiller);
    }

    [Fact]
    public void DistillRun_MultiTaskDistiller_PointsToTheMultiTaskRun()
    {
        var run = new DistillRunConfig { Training = Training, Distiller = "multitask", Cache = ["cache"] };

        var error = Assert.Throws<Distill.Errors.ConfigException>(() => run.Validate("run.json"));

        Assert.Contains("distiller \"multitask\" needs a multi-task run file (distill-multitask)", error.Message);
    }

    [Fact]
    public void MultiTeacher_WithIntermediateMatches_SaysToUseGeneral()
    {
        var problems = new List<string>();
        var distillation = new DistillationConfig { Matches = ["L3_hidden_mse"] };

        RunConfigs.Check("run.json", Training, distillation, "multiteacher", problems);

        Assert.Contains("distiller \"multiteacher\" does not read intermediate_matches; use \"general\"", problems);
    }
}
