using Distill.Cache;
using Distill.Tests.Support;
using DuckDB.NET.Data;

namespace Distill.Tests.Cache;

/// <summary>A third-party Parquet reader sees the shard's columns with their plain types and values.</summary>
public sealed class DuckDbInteropTests
{
    [Fact]
    public async Task ReadParquet_Shard_CountsLengthsAndReadsLogitsAsFloatArrays()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var rows = CacheFixtures.Rows(spec, 6);
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, rows, new CacheWriterOptions { RowGroupRows = 4 });
        var path = dir.File("part-00000.parquet");
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();

        command.CommandText = $"SELECT count(*), CAST(sum(length) AS BIGINT) FROM read_parquet('{path}')";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(6L, reader.GetInt64(0));
            Assert.Equal(2 + 3 + 4 + 5 + 2 + 3, reader.GetInt64(1));
        }
        command.CommandText = $"SELECT typeof(logits), logits, input_ids FROM read_parquet('{path}') WHERE feature_id = 'f3'";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal("FLOAT[]", reader.GetString(0));
            Assert.Equal(rows[3].Logits, reader.GetFieldValue<List<float>>(1));
            Assert.Equal(rows[3].InputIds, reader.GetFieldValue<List<int>>(2));
            Assert.False(reader.Read());
        }
    }
}
