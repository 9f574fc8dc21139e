using System.Diagnostics.CodeAnalysis;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Registry;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// The loss maps of <see cref="ComponentRegistry"/> (the one registry of TextBrewer's five maps) under their
/// earlier names: match losses with their arity, and the KD losses. <see cref="Register"/> is TextBrewer's
/// <c>register_new("match_Loss", …)</c>: a name registered again replaces the earlier loss.
/// </summary>
internal static class LossRegistry
{
    /// <summary>A snapshot: match-loss name → number of layers per side (1, or 2 for pair losses).</summary>
    public static IReadOnlyDictionary<string, int> Arity =>
        ComponentRegistry.Catalog.Names(ComponentMap.MatchLoss).ToDictionary(name => name, ComponentRegistry.Catalog.MatchLossArity, StringComparer.Ordinal);

    /// <summary>Adds or replaces a match loss whose two sides must have the same shape (<see cref="ComponentRegistry.RegisterMatchLoss"/> says otherwise).</summary>
    public static void Register(string name, int arity, MatchLoss loss) => ComponentRegistry.RegisterMatchLoss(name, arity, loss);

    public static bool TryGet(string name, [MaybeNullWhen(false)] out MatchLoss loss) => ComponentRegistry.TryGetMatchLoss(name, out _, out _, out loss);

    public static MatchLoss Get(string name) => ComponentRegistry.MatchLoss(name).Loss;

    public static KdLoss GetKd(string kdLossType) => ComponentRegistry.KdLoss(kdLossType);

    /// <summary>Removes a match loss (user code undoing its registration, e.g. a test that must leave the registry as it found it).</summary>
    public static bool Unregister(string name) => ComponentRegistry.Unregister(ComponentMap.MatchLoss, name);
}
