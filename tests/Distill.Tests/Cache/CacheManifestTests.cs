using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.Tests.Support;

namespace Distill.Tests.Cache;

public sealed class CacheManifestTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static CacheManifest WithShards(params string[] files) =>
        CacheFixtures.Manifest(CacheFixtures.Tagging(), files.Select((f, i) => new CacheShardEntry(f, 10, 100, Sha, 0)).ToArray());

    private static string SaveRaw(TemporaryDirectory dir, JsonObject json)
    {
        var path = dir.File(CacheManifest.FileName);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static JsonObject Json(CacheManifest manifest)
    {
        using var dir = new TemporaryDirectory();
        manifest.Save(dir.File("m.json"));
        return JsonNode.Parse(File.ReadAllText(dir.File("m.json")))!.AsObject();
    }

    [Theory]
    [InlineData("../x.parquet", "contains \"..\"")]
    [InlineData("..x.parquet", "contains \"..\"")]
    [InlineData("/abs.parquet", "is an absolute path")]
    [InlineData("sub/dir.parquet", "contains a directory separator")]
    [InlineData("sub\\dir.parquet", "contains a directory separator")]
    [InlineData("data.parquet", "does not match part-NNNNN.parquet")]
    [InlineData("part-1.parquet", "does not match part-NNNNN.parquet")]
    [InlineData("part-00000.parquet\n", "does not match part-NNNNN.parquet")]
    [InlineData("", "is empty")]
    public void Load_BadShardName_ErrorNamesTheEntry(string file, string expected)
    {
        using var dir = new TemporaryDirectory();
        var json = Json(WithShards("part-00000.parquet", "part-00001.parquet"));
        json["shards"]![1]!["file"] = file;
        var path = SaveRaw(dir, json);

        var error = Assert.Throws<CacheFormatException>(() => CacheManifest.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains($"shards[1] (file \"{file}\"): file name {expected}", error.Message);
    }

    [Theory]
    [InlineData("part-00000.parquet")]
    [InlineData("part-123456.parquet")]
    [InlineData("part-00002-00017.parquet")]
    public void Load_PlainShardNames_Accepted(string file)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File(CacheManifest.FileName);
        WithShards(file).Save(path);

        Assert.Equal(file, CacheManifest.Load(path).Shards[0].File);
    }

    [Fact]
    public void Load_DuplicateShard_NamesIt()
    {
        using var dir = new TemporaryDirectory();
        var path = SaveRaw(dir, Json(WithShards("part-00000.parquet", "part-00001.parquet")).Also(j => j["shards"]![1]!["file"] = "part-00000.parquet"));

        var error = Assert.Throws<CacheFormatException>(() => CacheManifest.Load(path));

        Assert.Contains("shards[1] (file \"part-00000.parquet\"): file is listed more than once", error.Message);
    }

    [Fact]
    public void Load_UnknownFormatVersion_SaysWhichVersionsAreKnown()
    {
        using var dir = new TemporaryDirectory();
        var path = SaveRaw(dir, Json(WithShards("part-00000.parquet")).Also(j => j["format_version"] = 3));

        var error = Assert.Throws<CacheFormatException>(() => CacheManifest.Load(path));

        Assert.Contains("format_version 3 is not supported (this build reads 1 to 2)", error.Message);
    }

    [Fact]
    public void Load_BadShaAndHalfOfAJobPair_ListsBoth()
    {
        using var dir = new TemporaryDirectory();
        var path = SaveRaw(dir, Json(WithShards("part-00000.parquet")).Also(j =>
        {
            j["shards"]![0]!["sha256"] = "xyz";
            j["num_shards"] = 4;
        }));

        var error = Assert.Throws<CacheFormatException>(() => CacheManifest.Load(path));

        Assert.Contains("sha256 must be 64 hex digits, found \"xyz\"", error.Message);
        Assert.Contains("num_shards and shard_index go together, found 4 and null", error.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysWhatACacheHolds()
    {
        using var dir = new TemporaryDirectory();

        var error = Assert.Throws<CacheFormatException>(() => CacheManifest.Load(dir.File(CacheManifest.FileName)));

        Assert.Contains("not found; a cache directory holds the manifest.json", error.Message);
    }

    [Fact]
    public void SaveLoad_RoundTrip_KeepsEveryField()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File(CacheManifest.FileName);
        var manifest = WithShards("part-00003.parquet") with { NumShards = 4, ShardIndex = 3 };

        manifest.Save(path);
        var back = CacheManifest.Load(path);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();

        Assert.Equal(manifest.Shards, back.Shards);
        Assert.Equal(manifest.CreatedUtc, back.CreatedUtc);
        Assert.Equal((4, 3), (back.NumShards!.Value, back.ShardIndex!.Value));
        Assert.Equal(manifest.Spec.ToJson(), back.Spec.ToJson());
        Assert.Equal(128, back.Data.ReaderSettings["max_length"]!.GetValue<int>());
        Assert.Equal(1, json["format_version"]!.GetValue<int>());
        Assert.Equal(Sha, json["shards"]![0]!["sha256"]!.GetValue<string>());
        Assert.Equal(10, back.TotalRows);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp*"));
    }

    [Fact]
    public void HashFiles_NoFilesNoExtra_IsTheHashOfOneZeroLength()
    {
        // Each part is prefixed with its length as 8 little-endian bytes: an empty extra is 8 zero bytes.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[8])), CacheManifest.HashFiles([], ""));
    }

    [Fact]
    public void HashFiles_OneFile_HashesLengthContentThenExtra()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("a"), [7, 8]);
        byte[] expected = [2, 0, 0, 0, 0, 0, 0, 0, 7, 8, 1, 0, 0, 0, 0, 0, 0, 0, (byte)'x'];

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), CacheManifest.HashFiles([dir.File("a")], "x"));
    }

    [Fact]
    public void HashFiles_BytesMovedBetweenFiles_ChangesTheHash()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("a1"), [1, 2]);
        File.WriteAllBytes(dir.File("b1"), [3]);
        File.WriteAllBytes(dir.File("a2"), [1]);
        File.WriteAllBytes(dir.File("b2"), [2, 3]);

        Assert.NotEqual(CacheManifest.HashFiles([dir.File("a1"), dir.File("b1")], ""), CacheManifest.HashFiles([dir.File("a2"), dir.File("b2")], ""));
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject json, Action<JsonObject> change)
    {
        change(json);
        return json;
    }
}
