using Distill.IO;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Training;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class CheckpointStoreTests
{
    /// <summary>Saves checkpoints of a tiny linear model at steps 1 and 2 under DIR/out.</summary>
    private static CheckpointStore SaveTwo(TemporaryDirectory dir)
    {
        TestAssets.EnsureTorch();
        manual_seed(1);
        using var module = nn.Linear(3, 2);
        using var optimizer = new GcSafeAdamW(module.parameters(), 0.1);
        var model = new AdaptedModel(module, _ => throw new NotSupportedException(), (_, _) => throw new NotSupportedException());
        var store = new CheckpointStore(dir.File("out"));
        foreach (var step in new[] { 1L, 2L })
        {
            using (var loss = module.call(ones(4, 3)).sum()) loss.backward();
            optimizer.step();
            store.Save(new TrainerState { GlobalStep = step, BestStep = step }, model, [], optimizer);
        }
        return store;
    }

    [Theory]
    [InlineData("optimizer.bin", "flip")]
    [InlineData("rng.bin", "truncate")]
    [InlineData("model.safetensors", "flip")]
    [InlineData("trainer_state.json", "truncate")]
    [InlineData("checksums.json", "delete")]
    public void Latest_NewestCheckpointDamaged_ReturnsTheOlderOne(string file, string damage)
    {
        using var dir = new TemporaryDirectory();
        var store = SaveTwo(dir);
        var path = dir.File("out", "checkpoints", "step-00000002", file);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "flip": bytes[bytes.Length / 2] ^= 0x10; File.WriteAllBytes(path, bytes); break;
            case "truncate": File.WriteAllBytes(path, bytes[..^1]); break;
            default: File.Delete(path); break;
        }
        var log = new StringWriter();

        var latest = store.Latest(log);

        Assert.Equal(dir.File("out", "checkpoints", "step-00000001"), latest);
        Assert.Contains("skipping incomplete checkpoint", log.ToString());
        Assert.Contains("step-00000002", log.ToString());
    }

    [Fact]
    public void Latest_BothIntact_ReturnsTheNewest()
    {
        using var dir = new TemporaryDirectory();
        var store = SaveTwo(dir);

        Assert.Equal(dir.File("out", "checkpoints", "step-00000002"), store.Latest());
    }

    [Fact]
    public void RepairBest_BestMissingAndStateNamesTheCheckpoint_PublishesItWithChecksums()
    {
        using var dir = new TemporaryDirectory();
        var store = SaveTwo(dir);
        var checkpoint = store.Latest()!;

        var line = store.RepairBest(checkpoint, TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName)));

        Assert.Contains("rewritten from", line);
        Assert.Equal(File.ReadAllBytes(Path.Combine(checkpoint, "model.safetensors")), File.ReadAllBytes(Path.Combine(store.BestDir, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(store.BestDir, "optimizer.bin")));
        Assert.Null(DirectoryChecksums.Problem(store.BestDir));
        Assert.Null(store.RepairBest(checkpoint, TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName))));
    }
}
