using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Api;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Schedules;
using Distill.DistillStudent.Training;
using Distill.Errors;
using Distill.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Api;

/// <summary>
/// Issue 17 §2's extension points from user code (public API only: the registry's <c>Register…</c> methods, the configs,
/// <see cref="Distiller"/>, <see cref="AdaptorOutput"/>): a KD loss, a projection, a weight scheduler, a temperature
/// scheduler and an objective term, each registered by name, all named in one JSON distillation config, and the
/// distiller's objective on fixed tensors equal to the sum computed by hand from them. Names are unique to this class
/// (the registry is process-wide) and removed in a finally.
/// </summary>
public sealed class ExtensionPointTests
{
    private const string Json = """
        {"temperature": 2, "kd_loss_type": "ext_kd", "kd_loss_weight": 0.1, "kd_loss_weight_scheduler": "ext_double",
         "temperature_scheduler": ["ext_scaled", {"scale": 3}],
         "intermediate_matches": [{"layer_T": 1, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 2, "proj": ["ext_proj", 4, 8]}],
         "objective_terms": [{"name": "ext_term", "weight": 0.25}]}
        """;

    [Fact]
    public void RegisteredComponents_NamedInOneJsonConfig_MakeTheObjective()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", Json);
        var calls = new List<string>();
        try
        {
            ComponentRegistry.RegisterKdLoss("ext_kd", (s, t, tau, mask) =>
            {
                calls.Add($"kd {Shape(s)} {Shape(t)} tau={tau.item<float>()} mask={mask is null}");
                return (s - t).abs().mean() * tau;
            });
            ComponentRegistry.RegisterWeightScheduler("ext_double", x =>
            {
                calls.Add($"weight x={x}");
                return 2 * x;
            });
            ComponentRegistry.RegisterTemperatureScheduler("ext_scaled", [new TemperatureParameter("scale")], args => (s, t, baseTemperature, _) =>
            {
                calls.Add($"temperature {Shape(s)} {Shape(t)} base={baseTemperature}");
                return tensor((float)(baseTemperature * args[0]));
            });
            ComponentRegistry.RegisterProjection("ext_proj", (studentDim, teacherDim) =>
            {
                calls.Add($"projection {studentDim}->{teacherDim}");
                // The student's features twice over: [h, h].
                var linear = nn.Linear(studentDim, teacherDim, hasBias: false);
                using (no_grad()) linear.weight!.copy_(cat([eye(studentDim), eye(studentDim)], 0));
                return linear;
            });
            ComponentRegistry.RegisterObjectiveTerm("ext_term", (student, teachers, progress) =>
            {
                calls.Add($"term {Shape(student.Logits!)} teachers={teachers.Count} step={progress.GlobalStep}/{progress.TotalSteps}");
                return (student.Logits! - teachers[0].Logits!).pow(2).mean();
            });

            var distiller = Distiller.Create(Student.Create(nn.Identity(), _ => throw new NotSupportedException()),
                Teacher.Create(nn.Identity(), _ => throw new NotSupportedException()), DistillationConfig.Load(path));

            var logitsS = tensor(new float[] { 1, 2, 0, 0, 1, 3 }).reshape(2, 3);
            var logitsT = tensor(new float[] { 2, 0, 1, 1, 1, 0 }).reshape(2, 3);
            var hiddenS = arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
            var hiddenT = cat([hiddenS, hiddenS + 1], -1);                       // (2, 3, 8): the projection's half matches, half is off by 1
            var mask = ones(2, 3);
            var student = new AdaptorOutput(Logits: logitsS, Hidden: AdaptorOutput.Layers([hiddenS, hiddenS]), InputMask: mask);
            var teacher = new AdaptorOutput(Logits: logitsT, Hidden: AdaptorOutput.Layers([hiddenT, hiddenT]), InputMask: mask);

            var loss = distiller.Objective(student, [teacher], new TrainingProgress(GlobalStep: 1, TotalSteps: 4, Epoch: 0));

            // kd: mean|S − T| = 8/6, times τ = 2 × 3 = 6 → 8, weighted 2 × (1/4) = 0.5 by the scheduler (replacing kd_loss_weight 0.1) → 4.
            Assert.Equal(8, loss.Components["kd_loss"].item<float>(), 5);
            // hidden_mse of [h, h] against [h, h + 1]: half the elements off by 1 → 0.5, weight 2 → 1.
            Assert.Equal(0.5, loss.Components["hidden_hidden_mse_0"].item<float>(), 5);
            // the term: mean (S − T)² = 16/6, weight 0.25 → 2/3.
            Assert.Equal(16.0 / 6, loss.Components["ext_term_0"].item<float>(), 5);
            Assert.Equal(4 + 1 + 16.0 / 6 / 4, loss.Total.item<float>(), 5);
            Assert.Equal([
                "projection 4->8",
                "temperature [2, 3] [2, 3] base=2",
                "kd [2, 3] [2, 3] tau=6 mask=True",
                "weight x=0.25",
                "term [2, 3] teachers=1 step=1/4",
            ], calls);

            // The term's own weight scheduler: at x = 3/4 it weighs the term 1.5 instead of 0.25.
            var scheduled = Distiller.Create(Student.Create(nn.Identity(), _ => throw new NotSupportedException()),
                Teacher.Create(nn.Identity(), _ => throw new NotSupportedException()),
                Objectives(path, """{"kd_loss_type": "ext_kd", "kd_loss_weight": 0, "objective_terms": [{"name": "ext_term", "weight": 0.25, "weight_scheduler": "ext_double"}]}"""));
            var late = scheduled.Objective(student, [teacher], new TrainingProgress(3, 4, 0));
            Assert.Equal(16.0 / 6 * 1.5, late.Total.item<float>(), 5);
        }
        finally
        {
            ComponentRegistry.Unregister(ComponentMap.KdLoss, "ext_kd");
            ComponentRegistry.Unregister(ComponentMap.WeightScheduler, "ext_double");
            ComponentRegistry.Unregister(ComponentMap.TemperatureScheduler, "ext_scaled");
            ComponentRegistry.Unregister(ComponentMap.Projection, "ext_proj");
            ComponentRegistry.Unregister(ComponentMap.ObjectiveTerm, "ext_term");
        }
    }

    [Fact]
    public void ObjectiveTerm_UnknownName_FailsNamingTheFieldAndTheKnownNames()
    {
        using var dir = new TemporaryDirectory();
        try
        {
            ComponentRegistry.RegisterObjectiveTerm("ext_known_term", (student, _, _) => student.Logits!.sum());
            var config = Objectives(dir.File("distill.json"), """{"objective_terms": [{"name": "ext_known_term"}, {"name": "ext_no_such_term"}]}""");
            var error = Assert.Throws<ConfigException>(() => Distiller.Create(Student.Create(nn.Identity(), _ => throw new NotSupportedException()),
                Teacher.Create(nn.Identity(), _ => throw new NotSupportedException()), config));
            Assert.Contains("objective_terms[1].name \"ext_no_such_term\" is not known; known: ", error.Message);
            Assert.Contains("ext_known_term", error.Message);
            Assert.DoesNotContain("objective_terms[0]", error.Message);
        }
        finally
        {
            ComponentRegistry.Unregister(ComponentMap.ObjectiveTerm, "ext_known_term");
        }
    }

    private static DistillationConfig Objectives(string path, string json)
    {
        File.WriteAllText(path, json);
        return DistillationConfig.Load(path);
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
