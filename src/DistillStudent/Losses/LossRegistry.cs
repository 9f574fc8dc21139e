using System.Diagnostics.CodeAnalysis;
using Distill.Models;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// Losses by their config names (TextBrewer's MATCH_LOSS_MAP and KD_LOSS_MAP, plus <c>kl</c>), with each match
/// loss's arity (layers per side) so a config can be checked before training. <see cref="Register"/> is
/// TextBrewer's <c>register_new</c>: a name registered again replaces the earlier loss.
/// </summary>
public static class LossRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (int Arity, MatchLoss Loss)> MatchLosses = new(StringComparer.Ordinal)
    {
        ["hidden_mse"] = (1, HiddenLosses.HiddenMse),
        ["cos"] = (1, HiddenLosses.Cosine),
        ["pkd"] = (1, HiddenLosses.Pkd),
        ["attention_mse"] = (1, AttentionLosses.Mse),
        ["attention_mse_sum"] = (1, AttentionLosses.MseSum),
        ["attention_ce"] = (1, AttentionLosses.Ce),
        ["attention_ce_mean"] = (1, AttentionLosses.CeMean),
        ["fsp"] = (2, PairLosses.Fsp),
        ["gram"] = (2, PairLosses.Fsp),
        ["mmd"] = (2, PairLosses.Mmd),
        ["nst"] = (2, PairLosses.Mmd),
    };

    private static readonly IReadOnlyDictionary<string, KdLoss> KdByName = new Dictionary<string, KdLoss>(StringComparer.Ordinal)
    {
        ["ce"] = KdLosses.SoftCrossEntropy,
        ["mse"] = KdLosses.MeanSquaredError,
        ["kl"] = KdLosses.KullbackLeibler,
    };

    /// <summary>A snapshot: match-loss name → number of layers per side (1, or 2 for pair losses).</summary>
    public static IReadOnlyDictionary<string, int> Arity
    {
        get
        {
            lock (Gate) return MatchLosses.ToDictionary(p => p.Key, p => p.Value.Arity, StringComparer.Ordinal);
        }
    }

    public static IReadOnlyList<string> KdNames { get; } = KdByName.Keys.ToList();

    public static void Register(string name, int arity, MatchLoss loss)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(loss);
        if (arity is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(arity), arity, "a match loss takes 1 layer per side, or 2 for pair losses such as fsp");
        }
        lock (Gate) MatchLosses[name] = (arity, loss);
    }

    public static bool TryGet(string name, [MaybeNullWhen(false)] out MatchLoss loss)
    {
        lock (Gate)
        {
            var found = MatchLosses.TryGetValue(name, out var entry);
            loss = entry.Loss;
            return found;
        }
    }

    public static MatchLoss Get(string name) => TryGet(name, out var loss)
        ? loss
        : throw new ConfigException($"match loss \"{name}\" is not known; known: {string.Join(", ", Arity.Keys.Order(StringComparer.Ordinal))}");

    public static KdLoss GetKd(string kdLossType) => KdByName.TryGetValue(kdLossType, out var loss)
        ? loss
        : throw new ConfigException($"kd_loss_type \"{kdLossType}\" is not known; known: {string.Join(", ", KdNames)}");

    /// <summary>For tests that register a loss of their own and must leave the registry as they found it.</summary>
    internal static bool Unregister(string name)
    {
        lock (Gate) return MatchLosses.Remove(name);
    }
}
