using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Support;

/// <summary>Distillers built to compute objectives on given adaptor outputs (no model, no data, nothing written).</summary>
internal static class Objectives
{
    private sealed class NoTeacher : ITeacherOutputSource
    {
        public IReadOnlyList<AdaptorOutput> Teach(Batch batch) => throw new NotSupportedException("objective tests pass the teachers' outputs");
    }

    /// <summary>A DistillationConfig read from TextBrewer-style JSON, e.g. <c>{"temperature": 2}</c>.</summary>
    public static DistillationConfig Config(string json) => JsonSerializer.Deserialize<DistillationConfig>(json)!.Validate("test");

    public static T Create<T>(string distillationJson, Func<TrainingConfig, DistillationConfig, AdaptedModel, ITeacherOutputSource, TrainerOutput, T> create)
        where T : DistillerBase
    {
        var model = new AdaptedModel(nn.Identity(), _ => throw new NotSupportedException(), (_, _) => throw new NotSupportedException());
        return create(new TrainingConfig(), Config(distillationJson), model, new NoTeacher(), new TrainerOutput(Path.GetTempPath(), TextWriter.Null, false));
    }

    public static BasicDistiller Basic(string json) => Create(json, (t, d, m, s, o) => new BasicDistiller(t, d, m, s, o));

    public static GeneralDistiller General(string json) => Create(json, (t, d, m, s, o) => new GeneralDistiller(t, d, m, s, o));

    /// <summary>The objective at optimizer step <paramref name="step"/> of <paramref name="total"/>.</summary>
    public static LossResult Loss(DistillerBase distiller, AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, long step = 0, long total = 10) =>
        distiller.LossOf(student, teachers, new TrainingProgress(step, total, 0));

    /// <summary>
    /// Deterministic values exact in float32 on every platform: element i is ((37·i + 11·salt) mod 101) / 25 − 2.
    /// <c>Parity/textbrewer_values.py</c> builds the same tensors for TextBrewer.
    /// </summary>
    public static Tensor Fixed(long[] shape, int salt)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (var i = 0; i < n; i++) values[i] = (float)((i * 37L + salt * 11L) % 101 / 25.0 - 2.0);
        return tensor(values, shape);
    }
}
