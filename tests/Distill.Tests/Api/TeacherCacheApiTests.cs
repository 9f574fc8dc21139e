using Distill.Cache;
using Distill.CacheTeacher;
using Distill.DistillStudent.Api;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Api;

/// <summary>
/// A user's own TorchSharp teacher cached through <see cref="Teacher.WriteCacheAsync"/>: the shards pass
/// <c>cache-teacher verify</c>, hold the module's own outputs, resume like <c>cache-teacher run</c>, and a rerun with
/// other weights is refused.
/// </summary>
public sealed class TeacherCacheApiTests
{
    /// <summary>A user's module: embeddings, one position-wise layer, the first token's state classified; (logits, hidden states).</summary>
    private sealed class UserTeacher : nn.Module<Tensor, Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)>
    {
        private readonly Embedding embeddings;
        private readonly Linear layer;
        private readonly Linear classifier;

        public UserTeacher(int vocabSize) : base(nameof(UserTeacher))
        {
            embeddings = nn.Embedding(vocabSize, 8);
            layer = nn.Linear(8, 8);
            classifier = nn.Linear(8, 2);
            RegisterComponents();
        }

        public override (Tensor Logits, IReadOnlyList<Tensor> Hidden) forward(Tensor inputIds, Tensor mask)
        {
            var h0 = embeddings.call(inputIds);
            var h1 = layer.call(h0).tanh();
            return (classifier.call(h1[.., 0]), [h0, h1]);
        }

        public Tensor Weight => classifier.weight!;
    }

    private static (TextData Data, UserTeacher Model) Setup(TemporaryDirectory dir)
    {
        TestAssets.EnsureTorch();
        TinyTask.Write(dir.Path, trainCount: 12, devCount: 4);
        var tokenizer = WordLevelTokenizer.Build(TextData.Texts(dir.File("train.jsonl")));
        manual_seed(3);
        return (TextData.Classification(dir.File("train.jsonl"), tokenizer, maxLength: 16), new UserTeacher(tokenizer.VocabSize));
    }

    [Fact]
    public async Task WriteCacheAsync_UserModule_VerifyAcceptsAndRowsHoldItsOutputs()
    {
        using var dir = new TemporaryDirectory();
        var (data, model) = Setup(dir);

        var cached = await Teacher.Classifier(model).WriteCacheAsync(data, dir.File("cache"),
            new TeacherCacheOptions { HiddenLayers = [1], DType = CacheDType.Fp32, RowsPerShard = 5, BatchSize = 4, Log = new StringWriter() });

        Assert.Equal(Path.GetFullPath(dir.File("cache")), cached.CacheDir);
        var verify = CliRun.Invoke(CacheTeacherCli.Create(), "verify", dir.File("cache"), "--data", dir.File("train.jsonl"));
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains("3 shards, 12 rows, all good", verify.Output);

        // Each row holds what the module gives for that text alone, over its real tokens.
        await using var reader = CacheReader.Open(dir.File("cache"));
        var rows = await reader.ReadAllAsync().ToListAsync();
        Assert.Equal(12, rows.Select(r => r.FeatureId).Distinct().Count());
        var first = rows[0];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        var ids = tensor(first.InputIds.Select(i => (long)i).ToArray()).unsqueeze(0);
        var (logits, hidden) = model.call(ids, ones_like(ids));
        Assert.Equal(logits[0].data<float>().ToArray(), first.Logits, new FloatTolerance(1e-5f));
        Assert.Equal(hidden[1][0].flatten().data<float>().ToArray(), first.Hidden[0].ToFloats(), new FloatTolerance(1e-5f));
        var manifest = CacheManifest.Load(dir.File("cache", CacheManifest.FileName));
        Assert.Equal(data.Tokenizer.VocabSize, (int)manifest.Teacher.Config["vocab_size"]!);
        Assert.Equal("neg", (string)manifest.Teacher.Config["id2label"]!["0"]!);
    }

    [Fact]
    public async Task WriteCacheAsync_Rerun_KeepsShards_OtherWeights_Refused()
    {
        using var dir = new TemporaryDirectory();
        var (data, model) = Setup(dir);
        var options = new TeacherCacheOptions { RowsPerShard = 5, Log = new StringWriter() };
        await Teacher.Classifier(model).WriteCacheAsync(data, dir.File("cache"), options);

        var log = new StringWriter();
        await Teacher.Classifier(model).WriteCacheAsync(data, dir.File("cache"), options with { Log = log });
        Assert.Contains("resuming; 3 complete shards kept", log.ToString());

        using (no_grad()) model.Weight.copy_(zeros_like(model.Weight));
        var error = await Assert.ThrowsAsync<ConfigException>(() => Teacher.Classifier(model).WriteCacheAsync(data, dir.File("cache"), options));
        Assert.Contains("holds a cache of another teacher", error.Message);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
