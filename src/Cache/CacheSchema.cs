using Parquet.Schema;

namespace Distill.Cache;

/// <summary>
/// The Parquet columns of a cache shard for one <see cref="CacheSpec"/>, and the check that a file has
/// exactly them. One row per <see cref="CacheWriteRow"/>; integer and logit lists stay typed lists so that
/// third-party tools read them (DuckDB: INTEGER[], FLOAT[]); tensors are one binary blob per row.
/// </summary>
internal sealed class CacheSchema
{
    public const string FormatVersionKey = "distill.cache.format_version";
    public const string SpecKey = "distill.cache.spec";

    public CacheSchema(CacheSpec spec)
    {
        Spec = spec;
        FeatureId = new DataField<string>("feature_id", false);
        ExampleId = new DataField<string>("example_id", false);
        Length = new DataField<int>("length", false);
        InputIds = List<int>("input_ids");
        Offsets = List<int>("offsets");
        Segments = List<int>("segments");
        var fields = new List<Field> { FeatureId, ExampleId, Length, InputIds, Offsets, Segments };
        if (spec.TopK is null)
        {
            Logits = List<float>("logits");
            fields.Add(Logits);
        }
        else
        {
            TopKValues = List<float>("topk_values");
            TopKIndices = List<int>("topk_indices");
            LogSumExp = List<float>("logsumexp");
            fields.AddRange([TopKValues, TopKIndices, LogSumExp]);
        }
        Hidden = spec.HiddenLayers.Select(l => Blob($"hidden_L{l}")).ToArray();
        Attentions = spec.AttentionLayers.Select(l => Blob($"attention_L{l}")).ToArray();
        Projections = (spec.ProjectionLayers ?? []).SelectMany(l => ProjectionNames.Select(n => Blob($"{n}_L{l}"))).ToArray();
        Pooled = spec.Pooled ? Blob("pooled") : null;
        fields.AddRange(Hidden);
        fields.AddRange(Attentions);
        fields.AddRange(Projections);
        if (Pooled is not null)
        {
            fields.Add(Pooled);
        }
        Parquet = new ParquetSchema(fields);
    }

    public CacheSpec Spec { get; }
    public ParquetSchema Parquet { get; }
    public DataField FeatureId { get; }
    public DataField ExampleId { get; }
    public DataField Length { get; }
    public ListField InputIds { get; }
    public ListField Offsets { get; }
    public ListField Segments { get; }
    public ListField? Logits { get; }
    public ListField? TopKValues { get; }
    public ListField? TopKIndices { get; }
    public ListField? LogSumExp { get; }
    public IReadOnlyList<DataField> Hidden { get; }
    public IReadOnlyList<DataField> Attentions { get; }

    /// <summary>The column name prefixes of each projection layer, in the order its columns (and a row's arrays) come.</summary>
    public static IReadOnlyList<string> ProjectionNames { get; } = ["query", "key", "value"];

    /// <summary>Three columns per <see cref="CacheSpec.ProjectionLayers"/> entry: query, key, value (<see cref="ProjectionNames"/>).</summary>
    public IReadOnlyList<DataField> Projections { get; }
    public DataField? Pooled { get; }

    /// <summary>The key-value metadata every shard carries.</summary>
    public Dictionary<string, string> Metadata() => new()
    {
        // The oldest version that holds the spec: a shard without the newer columns is the same file older builds wrote and read.
        [FormatVersionKey] = Spec.MinimumVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [SpecKey] = Spec.ToJson(),
    };

    /// <summary>
    /// Every difference between a file's schema and metadata and this one: missing, unexpected and
    /// mistyped columns, format version, spec. Empty when the file matches.
    /// </summary>
    public List<string> Compare(ParquetSchema actual, IReadOnlyDictionary<string, string> metadata)
    {
        var problems = new List<string>();
        var expected = Parquet.GetDataFields().ToDictionary(f => f.Path.ToString(), Describe);
        var found = actual.GetDataFields().ToDictionary(f => f.Path.ToString(), Describe);
        foreach (var (path, type) in expected)
        {
            if (!found.TryGetValue(path, out var actualType))
            {
                problems.Add($"column {path} ({type}) is missing");
            }
            else if (actualType != type)
            {
                problems.Add($"column {path} is {actualType}, expected {type}");
            }
        }
        foreach (var path in found.Keys.Where(p => !expected.ContainsKey(p)))
        {
            problems.Add($"column {path} is not in the spec");
        }
        var version = metadata.GetValueOrDefault(FormatVersionKey);
        if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            || !CacheSpec.Reads(number) || number < Spec.MinimumVersion)
        {
            problems.Add($"metadata {FormatVersionKey} is {version ?? "missing"}, expected {Spec.MinimumVersion} to {CacheSpec.FormatVersion} for this spec");
        }
        var spec = metadata.GetValueOrDefault(SpecKey);
        if (spec != Spec.ToJson())
        {
            problems.Add($"metadata {SpecKey} is {spec ?? "missing"}, expected {Spec.ToJson()}");
        }
        return problems;
    }

    private static string Describe(DataField field)
    {
        var type = field.ClrType;
        string name = type == typeof(int) ? "int32"
            : type == typeof(float) ? "float"
            : type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? "string"
            : type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) ? "binary"
            : type.Name;
        return field.MaxRepetitionLevel > 0 ? $"list<{name}>" : name;
    }

    private static ListField List<T>(string name) => new(name, new DataField<T>("element", false));

    private static DataField Blob(string name) => new DataField<byte[]>(name, false);
}
