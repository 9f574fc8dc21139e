using Distill.Cache;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;

namespace Distill.TeacherCaching;

/// <summary>Everything <see cref="CacheRun"/> needs; the run command maps its flags onto this.</summary>
internal sealed record CacheRunOptions
{
    public required TaskKind Task { get; init; }
    public required string DataFile { get; init; }
    public required string OutputDir { get; init; }

    /// <summary>A Hugging Face task model directory (TorchSharp teacher)...</summary>
    public string? ModelDir { get; init; }

    /// <summary>...or an ONNX teacher, with its config.json and vocabulary (default: beside the .onnx file) and output mapping.</summary>
    public string? OnnxFile { get; init; }
    public string? OnnxConfig { get; init; }
    public string? Vocab { get; init; }
    public OnnxTeacherOutputs? OnnxOutputs { get; init; }
    public bool Cased { get; init; }

    public required TaskDataSettings Data { get; init; }
    public IReadOnlyList<int> HiddenLayers { get; init; } = [];
    public IReadOnlyList<int> AttentionLayers { get; init; } = [];

    /// <summary>Layers whose self-attention query, key and value projections are kept (<c>--relation-layers</c>).</summary>
    public IReadOnlyList<int> ProjectionLayers { get; init; } = [];
    public bool Pooled { get; init; }
    public CacheDType DType { get; init; } = CacheDType.Fp16;

    /// <summary>Run the TorchSharp teacher's forward in bf16 mixed precision (recorded as the spec's <c>teacher_bf16</c>); ONNX teachers refuse it.</summary>
    public bool Bf16 { get; init; }

    /// <summary>Logit rows wider than this are stored as top-k values, indices and log-sum-exp.</summary>
    public int TopKThreshold { get; init; } = 1000;
    public int TopK { get; init; } = 32;

    public int BatchSize { get; init; } = 32;
    public int RowsPerShard { get; init; } = 1000;
    public int NumShards { get; init; } = 1;
    public int ShardIndex { get; init; }
    public int Threads { get; init; } = 1;
}
