using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace Distill.Cli;

/// <summary>
/// The smallest value of every count option, by name, across the stage executables: a count of 0 or below
/// (<c>--batch-size 0</c>) is a usage error (exit 2) at parse time, not a crash deep in the run. One table, so
/// that the same option means the same on every command; a test fails when a CLI declares an integer option
/// that is neither here nor in <see cref="Unbounded"/>.
/// </summary>
internal static class CountOptions
{
    /// <summary>Option name → smallest allowed value.</summary>
    public static IReadOnlyDictionary<string, long> Minimum { get; } = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["--batch-size"] = 1, ["--batches"] = 1, ["--epochs"] = 1, ["--iterations"] = 1, ["--length"] = 1,
        ["--max-examples"] = 1, ["--max-seq-length"] = 1, ["--max-query-length"] = 1, ["--num-heads"] = 1,
        ["--num-shards"] = 1, ["--rows-per-shard"] = 1, ["--size"] = 1, ["--threads"] = 1, ["--hidden"] = 1,
        ["--gru-layers"] = 1, ["--limit-alphabet"] = 1, ["--min-frequency"] = 1, ["--topk"] = 1, ["--max-level"] = 1, ["--calibration-examples"] = 1,
        ["--folds"] = 2, ["--layers"] = 1, ["--vocab-size"] = 1, ["--candidates"] = 1,
        ["--warmup"] = 0, ["--doc-stride"] = 0, ["--shard-index"] = 0, ["--copies"] = 0, ["--min-elements"] = 0, ["--int8-min-elements"] = 0, ["--topk-threshold"] = 0,
    };

    /// <summary>Integer options any value of which means something (seeds), or checked against a range of their own (<c>--opset</c>).</summary>
    public static IReadOnlySet<string> Unbounded { get; } = new HashSet<string>(StringComparer.Ordinal) { "--seed", "--opset" };

    private static readonly ConditionalWeakTable<Option, object> Ruled = [];

    /// <summary>Adds the minimum check to every count option of <paramref name="command"/> and its subcommands (once per option).</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options)
        {
            // A name may be a count on one command and a list on another (recipe --layers 2, init-student --layers 0,3).
            if (!IsInteger(option.ValueType) || !Minimum.TryGetValue(option.Name, out var minimum) || !Ruled.TryAdd(option, minimum)) continue;
            option.Validators.Add(result =>
            {
                var value = Value(result);
                if (value < minimum) result.AddError($"{option.Name} must be at least {minimum}, found {value}");
            });
        }
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    private static bool IsInteger(Type type) => type == typeof(int) || type == typeof(int?) || type == typeof(long) || type == typeof(long?);

    private static long? Value(OptionResult result) => result.Option.ValueType switch
    {
        var t when t == typeof(int) => result.GetValueOrDefault<int>(),
        var t when t == typeof(int?) => result.GetValueOrDefault<int?>(),
        var t when t == typeof(long) => result.GetValueOrDefault<long>(),
        var t when t == typeof(long?) => result.GetValueOrDefault<long?>(),
        var t => throw new InvalidOperationException($"{result.Option.Name} is a count option but holds {t.Name}"),
    };
}
