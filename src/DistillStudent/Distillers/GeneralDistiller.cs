using Distill.Runtime;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Safetensors;
using Distill.Tasks;
using TorchSharp;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// TextBrewer's GeneralDistiller: the BasicDistiller's objective plus intermediate matches, each a loss between
/// student and teacher hidden states or attentions of chosen layers, weighted, the student's side passed through
/// a trained projection where the match has <c>proj</c>. Matches are masked by the student's input mask (less the
/// tokens a teacher with another vocabulary aligned nothing to). With
/// several teachers the KD target is their mean logits and each match reads the teacher it names (<c>teacher</c>),
/// which TextBrewer's MultiTeacherDistiller cannot do. As in TextBrewer, KD is left out when the student's or a
/// teacher's adaptor gives no logits (distilling intermediate layers only).
/// </summary>
internal class GeneralDistiller : DistillerBase
{
    private readonly IReadOnlyList<ResolvedMatch> matches;
    private readonly List<(string Name, nn.Module Module)> projections = [];
    private readonly Dictionary<string, ProjectionOptimizer> projectionGroups = [];

    public GeneralDistiller(TrainingConfig config, DistillationConfig distillation, AdaptedModel student, ITeacherOutputSource teacher,
        TrainerOutput output, Func<EvaluationResult>? evaluate = null, IReadOnlyList<double>? teacherWeights = null)
        : base(config, distillation, student, teacher, output, evaluate, teacherWeights)
    {
        var resolved = new List<ResolvedMatch>();
        for (var i = 0; i < distillation.IntermediateMatches.Count; i++)
        {
            var match = distillation.IntermediateMatches[i];
            var where = $"intermediate_matches[{i}]";
            nn.Module<Tensor, Tensor>? projection = null;
            if (match.Projection(where) is { } proj)
            {
                projection = ComponentRegistry.Projection(proj.Kind)(proj.StudentDim, proj.TeacherDim);
                if (proj.InitFrom is { } path) LoadProjection(projection, path, where);
                projections.Add(($"proj_{i}", projection));
                if (proj.Optimizer is { } group) projectionGroups[$"proj_{i}"] = group;
            }
            var loss = ComponentRegistry.MatchLoss(match.Loss);
            resolved.Add(new ResolvedMatch($"{match.Feature}_{match.Loss}_{i}", where, match.Feature, match.Teacher, match.TeacherLayers(where), match.StudentLayers(where),
                match.Loss, loss.Loss, loss.Shapes, match.Weight, projection) { RelationHeads = match.RelationHeads });
        }
        matches = resolved;
    }

    public sealed override IReadOnlyList<(string Name, nn.Module Module)> ExtraModules => projections;

    /// <summary>The projections whose match gave TextBrewer's <c>proj[3]</c> optimizer-group dict, by extra-module name.</summary>
    public override IReadOnlyDictionary<string, ProjectionOptimizer> ExtraModuleGroups => projectionGroups;

    protected sealed override Tensor? Objective(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress, Dictionary<string, Tensor> parts)
    {
        var total = LogitsObjective(student, teachers, progress, parts, logitsOptional: true);
        foreach (var match in matches)
        {
            if (match.Teacher >= teachers.Count) throw new ConfigException($"match {match.Name} reads teacher {match.Teacher}, but the run has {teachers.Count} teacher(s)");
            var studentFeatures = match.StudentLayers.Select(l => Feature(student, match.Feature, l, "student")).ToList();
            var teacherFeatures = match.TeacherLayers.Select(l => Feature(teachers[match.Teacher], match.Feature, l, $"teacher {match.Teacher}")).ToList();
            if (match.Projection is { } projection) studentFeatures = studentFeatures.Select(f => projection.call(f)).ToList();
            if (match.RelationHeads is { } heads)
            {
                studentFeatures = studentFeatures.Select(f => RelationLosses.SplitHeads(f, heads)).ToList();
                teacherFeatures = teacherFeatures.Select(f => RelationLosses.SplitHeads(f, heads)).ToList();
            }
            MatchShapeCheck.Check(match.Where, match.LossName, match.Shapes, match.StudentLayers, match.TeacherLayers, studentFeatures, teacherFeatures, match.Projection is not null);
            var loss = match.Loss(studentFeatures, teacherFeatures, Aligned(student.InputMask, [teachers[match.Teacher]]));
            parts[match.Name] = loss;
            var weighted = loss.Times(match.Weight);
            total = total is null ? weighted : total.Plus(weighted);
        }
        return total;
    }

    private static Tensor Feature(AdaptorOutput output, string feature, int layer, string who) => feature switch
    {
        "attention" => output.RequireAttention(layer, who),
        "hidden" => output.RequireHidden(layer, who),
        _ => output.RequireProjection(feature, layer, who),
    };

    private static void LoadProjection(nn.Module projection, string path, string where)
    {
        if (!File.Exists(path)) throw new ConfigException($"{where}.proj: the projection to start from, {path}, does not exist");
        StateDictFile.Load(projection, path);
    }

    private sealed record ResolvedMatch(string Name, string Where, string Feature, int Teacher, IReadOnlyList<int> TeacherLayers, IReadOnlyList<int> StudentLayers,
        string LossName, MatchLoss Loss, MatchShapes Shapes, double Weight, nn.Module<Tensor, Tensor>? Projection)
    {
        public int? RelationHeads { get; init; }
    }
}
