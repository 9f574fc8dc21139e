using Distill.Cache;
using Distill.Data;
using Distill.Models;
using Distill.Onnx;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Tests.Support;
using DuckDB.NET.Data;
using static TorchSharp.torch;
using Distill.Models.Heads;
using Distill.TeacherCaching;

namespace Distill.Tests.CacheTeacher;

/// <summary>A cache of the real MiniLM teacher (with a seeded classification head) on real UCI sentences.</summary>
public sealed class RealTeacherCacheTests
{
    private static readonly string SentimentDev = Path.Combine(TestAssets.RepositoryRoot, "pipelines", ".data", "sentiment", "dev.jsonl");

    [SkippableFact]
    public async Task Run_MiniLmOnUciSentences_Layers0246Fp16MatchAFreshForwardAndDuckDbReadsIt()
    {
        TestAssets.RequireMiniLm();
        Skip.IfNot(File.Exists(SentimentDev), $"{SentimentDev} is absent; run pipelines/fetch-assets.sh data");
        using var dir = new TemporaryDirectory();
        File.WriteAllLines(dir.File("dev.jsonl"), File.ReadLines(SentimentDev).Take(40));
        var import = BertOnnxImporter.Import(TestAssets.MiniLmOnnx);
        manual_seed(5);
        using (var model = new BertForSequenceClassification(import.Config, numLabels: 2))
        {
            StateDict.Load(model.Encoder, import.Weights, "minilm");
            TaskModelDirectory.Save(dir.File("teacher"), model, ["0", "1"], TestAssets.MiniLmVocab);
        }
        var settings = new TaskDataSettings(64, new DataReadOptions());

        var summary = await CacheRun.ExecuteAsync(new CacheRunOptions
        {
            Task = TaskKind.Classification, DataFile = dir.File("dev.jsonl"), OutputDir = dir.File("cache"), ModelDir = dir.File("teacher"),
            Data = settings, HiddenLayers = [0, 2, 4, 6], RowsPerShard = 16, BatchSize = 8,
        }, TextWriter.Null, isTerminal: false);

        Assert.Equal(40, summary.Rows);
        var cached = new Dictionary<string, CacheWriteRow>();
        await using (var reader = CacheReader.Open(dir.File("cache")))
        {
            await foreach (var row in reader.ReadAllAsync()) cached[row.FeatureId] = row.ToCacheRow();
        }
        var (teacherModel, labels) = TaskModelDirectory.Load(dir.File("teacher"), TaskKind.Classification);
        var tokenizer = ModelDirectory.LoadTokenizer(dir.File("teacher"), teacherModel.Config);
        var data = TaskDataLoader.Load(TaskKind.Classification, dir.File("dev.jsonl"), tokenizer, labels, settings);
        using var teacher = new TorchTeacher(teacherModel, 2, tokenizer.PadId);
        foreach (var batch in data.Features.Chunk(8))
        {
            var fresh = teacher.Run(batch, new TeacherRequest([0, 2, 4, 6], [], Pooled: false));
            for (var i = 0; i < batch.Length; i++)
            {
                var row = cached[batch[i].FeatureId];
                for (var l = 0; l < 4; l++)
                {
                    for (var v = 0; v < fresh[i].Hidden[l].Length; v++)
                    {
                        var expected = fresh[i].Hidden[l][v];
                        // fp16 keeps 11 significant bits; batches differ from the cache run's, moving float32 by ~1e-6.
                        Assert.True(Math.Abs(expected - row.Hidden[l][v]) <= Math.Abs(expected) / 1024 + 1e-4,
                            $"{batch[i].FeatureId} layer {l * 2} value {v}: fresh {expected}, cached {row.Hidden[l][v]}");
                    }
                }
            }
        }

        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        var shards = Path.Combine(dir.File("cache"), "part-*.parquet");
        command.CommandText = $"SELECT count(*), CAST(sum(length) AS BIGINT) FROM read_parquet('{shards}')";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(40L, reader.GetInt64(0));
            Assert.Equal(data.Features.Sum(f => (long)f.Text.Length), reader.GetInt64(1));
        }
        var first = data.Features[0].FeatureId;
        command.CommandText = $"SELECT logits FROM read_parquet('{shards}') WHERE feature_id = '{first}'";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(cached[first].Logits, reader.GetFieldValue<List<float>>(0));
        }
    }
}
