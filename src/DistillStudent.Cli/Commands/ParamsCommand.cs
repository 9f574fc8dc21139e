using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Distill.Cli;
using Distill.Models;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>params</c>: the parameter tree of a model, as TextBrewer's <c>display_parameters</c>.</summary>
internal sealed class ParamsCommand : Command
{
    private readonly Option<DirectoryInfo> model = new("--model") { Description = "Hugging Face model directory", Required = true };
    private readonly Option<int> maxLevel = new("--max-level")
    {
        Description = "deepest module level to list (1 = top-level modules)",
        DefaultValueFactory = _ => 3,
    };
    private readonly Option<bool> json = new("--json") { Description = "print JSON rows instead of a table" };

    public ParamsCommand() : base("params", "Show parameter counts, shares and sizes per module")
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
        using var bert = ModelDirectory.LoadBert(parse.GetValue(model)!.FullName);
        var rows = ParameterTree.Summarize(bert, parse.GetValue(maxLevel));
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
        return ExitCodes.Success;
    }
}
