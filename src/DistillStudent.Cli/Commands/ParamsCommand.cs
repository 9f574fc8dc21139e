using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Distill.Cli;
using Distill.Models;
using Distill.Runtime;
using Distill.Safetensors;

namespace Distill.DistillStudent.Commands;

/// <summary>
/// <c>params</c>: the parameter tree of a model, as TextBrewer's <c>display_parameters</c>, counted over every tensor
/// its model.safetensors holds: encoder, pooler and task head alike, the count a size on disk or a report quotes.
/// </summary>
internal sealed class ParamsCommand : Command
{
    private readonly Option<DirectoryInfo> model = new("--model") { Description = "Hugging Face model directory", Required = true };
    private readonly Option<int> maxLevel = new("--max-level")
    {
        Description = "deepest module level to list (1 = top-level modules)",
        DefaultValueFactory = _ => 3,
    };
    private readonly Option<bool> json = new("--json") { Description = "print JSON rows instead of a table" };

    public ParamsCommand() : base("params", "Show parameter counts, shares and sizes per module, over every tensor in model.safetensors (task head and pooler included)")
    {
        Options.Add(model);
        Options.Add(maxLevel);
        Options.Add(json);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        TorchRuntime.Initialize(threads: 1);
        var output = parse.InvocationConfiguration.Output;
        var directory = parse.GetValue(model)!.FullName;
        var weights = Path.Combine(directory, ModelDirectory.WeightsFile);
        if (!File.Exists(weights)) throw new FileNotFoundException($"{directory} is not a model directory: {ModelDirectory.WeightsFile} is missing", weights);
        var (rows, tensorCount) = StateDictFile.Read(weights, tensors =>
            (ParameterTree.Summarize(tensors.Select(t => (t.Key, t.Value.numel(), t.Value.numel() * t.Value.ElementSize)), parse.GetValue(maxLevel)), tensors.Count));
        if (parse.GetValue(json))
        {
            output.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            return ExitCodes.Success;
        }
        var width = Math.Max(20, rows.Max(r => r.Path.Length + 2 * r.Level));
        output.WriteLine($"{"module".PadRight(width)} {"params",12} {"share",8} {"MB",9}");
        foreach (var row in rows)
        {
            var name = (new string(' ', 2 * row.Level) + row.Path).PadRight(width);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {row.Count,12:N0} {row.Share,8:P2} {row.Megabytes,9:F2}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(total) is every value of the {tensorCount} tensors in {weights}, task head and pooler included"));
        return ExitCodes.Success;
    }
}
