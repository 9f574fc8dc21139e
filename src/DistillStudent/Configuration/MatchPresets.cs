using System.Text.Json;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// The named match lists of TextBrewer's experiments (<c>examples/matches/matches.py</c>), for a 12-layer teacher,
/// as data. Hidden layers count as TextBrewer's do (0 = embeddings, n = output of layer n). Attention layers count
/// from 0 = the first layer here, while matches.py numbers them 1..12 like the hidden states, so every attention
/// index below is one less than in matches.py: <c>L3_attention_mse</c> still pairs student layer k with teacher
/// layer 4k. Projections are those of matches.py (student sizes 384 for L3n, 312 for TinyBERT's L4t, 256 for
/// ELECTRA-small). There is no <c>L4t_hidden_smmd</c> in matches.py; its L4t pair loss is <c>L4t_hidden_sgram</c>.
/// </summary>
internal static class MatchPresets
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<IntermediateMatch>> All = Build();

    public static IReadOnlyList<string> Names { get; } = All.Keys.Order(StringComparer.Ordinal).ToList();

    public static bool TryGet(string name, out IReadOnlyList<IntermediateMatch> matches)
    {
        if (All.TryGetValue(name, out var found))
        {
            matches = found;
            return true;
        }
        matches = [];
        return false;
    }

    private static Dictionary<string, IReadOnlyList<IntermediateMatch>> Build()
    {
        var presets = new Dictionary<string, IReadOnlyList<IntermediateMatch>>(StringComparer.Ordinal);
        foreach (var loss in new[] { "mse", "ce", "mse_sum", "ce_mean" })
        {
            presets[$"L3_attention_{loss}"] = Attention($"attention_{loss}", every: 4, studentLayers: 3);
            presets[$"L4_attention_{loss}"] = Attention($"attention_{loss}", every: 3, studentLayers: 4);
        }
        presets["L3_hidden_mse"] = Hidden("hidden_mse", every: 4, studentLayers: 3, pair: false, proj: null);
        presets["L3n_hidden_mse"] = Hidden("hidden_mse", every: 4, studentLayers: 3, pair: false, proj: (384, 768));
        presets["L3_hidden_smmd"] = Hidden("mmd", every: 4, studentLayers: 3, pair: true, proj: null);
        presets["L4t_hidden_mse"] = Hidden("hidden_mse", every: 3, studentLayers: 4, pair: false, proj: (312, 768));
        presets["L4t_hidden_sgram"] = Hidden("gram", every: 3, studentLayers: 4, pair: true, proj: (312, 768));
        presets["L4_hidden_smmd"] = Hidden("mmd", every: 3, studentLayers: 4, pair: true, proj: null);
        presets["L6_hidden_mse"] = Hidden("hidden_mse", every: 2, studentLayers: 6, pair: false, proj: null);
        presets["L6_hidden_smmd"] = Hidden("mmd", every: 2, studentLayers: 6, pair: true, proj: null);
        // ELECTRA-small keeps 12 layers: teacher and student layers coincide, every second one matched.
        presets["small_hidden_mse"] = Same("hidden_mse", pair: false, proj: (256, 768));
        presets["small_hidden_smmd"] = Same("mmd", pair: true, proj: null);
        return presets;
    }

    private static List<IntermediateMatch> Attention(string loss, int every, int studentLayers) =>
        Enumerable.Range(1, studentLayers).Select(k => Match(k * every - 1, k - 1, "attention", loss, pair: false, proj: null)).ToList();

    private static List<IntermediateMatch> Hidden(string loss, int every, int studentLayers, bool pair, (int S, int T)? proj) =>
        Enumerable.Range(0, studentLayers + 1).Select(k => Match(k * every, k, "hidden", loss, pair, proj)).ToList();

    private static List<IntermediateMatch> Same(string loss, bool pair, (int S, int T)? proj) =>
        Enumerable.Range(0, 7).Select(k => Match(2 * k, 2 * k, "hidden", loss, pair, proj)).ToList();

    private static IntermediateMatch Match(int teacher, int student, string feature, string loss, bool pair, (int S, int T)? proj) => new()
    {
        LayerT = pair ? JsonSerializer.SerializeToElement(new[] { teacher, teacher }) : JsonSerializer.SerializeToElement(teacher),
        LayerS = pair ? JsonSerializer.SerializeToElement(new[] { student, student }) : JsonSerializer.SerializeToElement(student),
        Feature = feature,
        Loss = loss,
        Weight = 1,
        Proj = proj is { } p ? JsonSerializer.SerializeToElement(new object[] { "linear", p.S, p.T }) : null,
    };
}
