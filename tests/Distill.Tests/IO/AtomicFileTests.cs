using Distill.IO;
using Distill.Tests.Support;

namespace Distill.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void WriteAllText_OverAnOldFile_ReplacesItAndLeavesNoTemporary()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("state.json", "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["state.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void PublishDirectory_CompleteDirectory_AppearsUnderTheTargetName()
    {
        using var dir = new TemporaryDirectory();
        Directory.CreateDirectory(dir.File(".step-10.tmp", "sub"));
        File.WriteAllText(dir.File(".step-10.tmp", "model.safetensors"), "weights");
        File.WriteAllText(dir.File(".step-10.tmp", "sub", "rng.bin"), "rng");

        AtomicFile.PublishDirectory(dir.File(".step-10.tmp"), dir.File("step-10"));

        Assert.False(Directory.Exists(dir.File(".step-10.tmp")));
        Assert.Equal("weights", File.ReadAllText(dir.File("step-10", "model.safetensors")));
        Assert.Equal("rng", File.ReadAllText(dir.File("step-10", "sub", "rng.bin")));
    }

    [Fact]
    public void PublishDirectory_TargetExists_ThrowsAndKeepsBoth()
    {
        using var dir = new TemporaryDirectory();
        Directory.CreateDirectory(dir.File("new"));
        Directory.CreateDirectory(dir.File("old"));
        File.WriteAllText(dir.File("old", "a"), "kept");

        Assert.ThrowsAny<IOException>(() => AtomicFile.PublishDirectory(dir.File("new"), dir.File("old")));

        Assert.Equal("kept", File.ReadAllText(dir.File("old", "a")));
        Assert.True(Directory.Exists(dir.File("new")));
    }

    [Fact]
    public void SyncDirectory_MissingDirectory_ThrowsSyncFailedNamingIt()
    {
        using var dir = new TemporaryDirectory();

        AtomicFile.SyncDirectory(dir.Path);
        var error = Assert.Throws<SyncFailedException>(() => AtomicFile.SyncDirectory(dir.File("gone")));

        Assert.Contains(dir.File("gone"), error.Message);
        Assert.Contains("errno 2", error.Message); // ENOENT: the directory was really opened, not skipped
    }
}
