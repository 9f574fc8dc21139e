using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Losses;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Losses;

public sealed class LossRegistryTests
{
    /// <summary>Names with a hand-computed test in this folder; a registered name missing here fails the coverage test.</summary>
    private static readonly string[] HandTested =
    [
        "hidden_mse", "cos", "pkd", "attention_mse", "attention_mse_sum", "attention_ce", "attention_ce_mean",
        "fsp", "gram", "mmd", "nst", "relation_kl",
    ];

    /// <summary>Losses whose value on identical inputs is the teacher's entropy rather than 0.</summary>
    private static readonly string[] CrossEntropies = ["attention_ce", "attention_ce_mean"];

    public static TheoryData<string> MatchNames() => new(LossRegistry.Arity.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Arity_EveryRegisteredLoss_HasAHandComputedTest()
    {
        Assert.Equal(HandTested.Order(StringComparer.Ordinal), LossRegistry.Arity.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(MatchNames))]
    public void Loss_IdenticalInputs_ZeroOrTeacherEntropy(string name)
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var (inputs, mask) = Inputs(name, seed: 1);

        var loss = LossRegistry.Get(name)(inputs, inputs, mask).item<float>();

        // attention_ce_mean compares the distributions of the head-averaged log-probabilities (TextBrewer's softmax of the mean scores).
        var expected = CrossEntropies.Contains(name)
            ? Entropy(name == "attention_ce_mean" ? nn.functional.softmax(inputs[0].clamp_min(AttentionLosses.MinProbability).log().mean([1]), -1) : inputs[0], mask)
            : 0f;
        Assert.Equal(expected, loss, 4);
    }

    [Theory]
    [MemberData(nameof(MatchNames))]
    public void Loss_PaddedPositionsChanged_SameLoss(string name)
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var (student, mask) = Inputs(name, seed: 2);
        var (teacher, _) = Inputs(name, seed: 3);
        var (noise, _) = Inputs(name, seed: 4);
        var padded = Padded(student[0], mask);
        var changed = student.Zip(noise, (s, n) => where(padded, n, s)).ToList();

        var before = LossRegistry.Get(name)(student, teacher, mask).item<float>();
        var after = LossRegistry.Get(name)(changed, teacher, mask).item<float>();

        Assert.NotEqual(0f, before);
        Assert.Equal(before, after, 5);
    }

    [Theory]
    [MemberData(nameof(MatchNames))]
    public void Loss_Backward_FiniteStudentGradients(string name)
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var (student, mask) = Inputs(name, seed: 5);
        var (teacher, _) = Inputs(name, seed: 6);
        var leaves = student.Select(s => s.detach().requires_grad_()).ToList();

        LossRegistry.Get(name)(leaves, teacher, mask).backward();

        Assert.All(leaves, l => Assert.True(l.grad is { } g && g.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Get_UnknownName_ConfigExceptionListsKnown()
    {
        var error = Assert.Throws<ConfigException>(() => LossRegistry.Get("hidden_msee"));

        Assert.Contains("\"hidden_msee\" is not known", error.Message);
        Assert.Contains("hidden_mse, mmd, nst", error.Message);
    }

    [Fact]
    public void GetKd_UnknownName_ConfigExceptionListsKnown()
    {
        var error = Assert.Throws<ConfigException>(() => LossRegistry.GetKd("kld"));

        Assert.Contains("kd_loss_type \"kld\" is not known; known: ce, kl, mse", error.Message);
    }

    [Fact]
    public void Register_UserLoss_ResolvesWithItsArity()
    {
        TestAssets.EnsureTorch();
        MatchLoss l1 = (s, t, _) => (s[0] - t[0]).abs().mean();
        try
        {
            LossRegistry.Register("user_l1", 1, l1);

            Assert.True(LossRegistry.TryGet("user_l1", out var found));
            Assert.Same(l1, found);
            Assert.Equal(1, LossRegistry.Arity["user_l1"]);
            Assert.Throws<ArgumentOutOfRangeException>(() => LossRegistry.Register("user_l3", 3, l1));
        }
        finally
        {
            LossRegistry.Unregister("user_l1");
        }
    }

    /// <summary>Hidden (2, 3, 4) or attention probabilities (2, 2, 3, 3), one or two per side; example 1 has its last token padded.</summary>
    private static (IReadOnlyList<Tensor> Features, Tensor Mask) Inputs(string name, int seed)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 0 }, [2, 3]);
        Tensor One()
        {
            if (!name.StartsWith("attention", StringComparison.Ordinal)) return randn([2, 3, 4], generator: generator);
            // Real attentions give padded keys probability 0: softmax with −inf there.
            var keyMask = mask.unsqueeze(1).unsqueeze(1).expand(2, 2, 3, 3);
            return nn.functional.softmax(randn([2, 2, 3, 3], generator: generator).masked_fill(keyMask.eq(0), float.NegativeInfinity), -1);
        }
        var features = Enumerable.Range(0, LossRegistry.Arity[name]).Select(_ => One()).ToList();
        return (features, mask);
    }

    /// <summary>True where a value belongs to a padded position (hidden: the token; attention: its query row or key column).</summary>
    private static Tensor Padded(Tensor like, Tensor mask)
    {
        var pad = mask.eq(0);                                                               // (B, T)
        if (like.dim() == 3) return pad.unsqueeze(-1).expand_as(like);
        var rows = pad.unsqueeze(1).unsqueeze(-1);                                          // (B, 1, T, 1)
        var cols = pad.unsqueeze(1).unsqueeze(2);                                           // (B, 1, 1, T)
        return rows.logical_or(cols).expand_as(like);
    }

    /// <summary>−Σ p log p over keys, averaged over real query rows (and heads when present).</summary>
    private static float Entropy(Tensor p, Tensor mask)
    {
        var rows = -(p * p.clamp_min(1e-12).log()).sum(-1);                                 // (B, [h,] T)
        var m = mask.to_type(rows.dtype);
        if (rows.dim() == 3) m = m.unsqueeze(1).expand_as(rows);
        return ((rows * m).sum() / m.sum()).item<float>();
    }
}
