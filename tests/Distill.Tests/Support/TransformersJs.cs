using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>
/// transformers.js (the npm package @huggingface/transformers, installed by scripts/test.sh into tests/js) run by
/// node on an exported directory, offline: <c>tests/js/transformers-client.mjs</c>. Tests that use it skip, saying
/// why, when node or the package is absent.
/// </summary>
internal static class TransformersJs
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static string ClientDirectory => Path.Combine(TestAssets.RepositoryRoot, "tests", "js");

    /// <summary>Skips the calling test when node or the installed package is missing.</summary>
    public static void Require()
    {
        Skip.IfNot(FindOnPath("node") is not null, "node is not on PATH: transformers.js checks need Node.js 18 or later");
        Skip.IfNot(File.Exists(Path.Combine(ClientDirectory, "node_modules", "@huggingface", "transformers", "package.json")),
            $"transformers.js is not installed in {ClientDirectory}: run `cd tests/js && ONNXRUNTIME_NODE_INSTALL=skip npm ci` (scripts/test.sh does)");
    }

    /// <summary>Runs the client on MODELS_ROOT/<paramref name="model"/>; returns its JSON answer.</summary>
    public static JsonObject Run(string modelsRoot, string model, IReadOnlyList<string> texts, IReadOnlyList<(string A, string B)> pairs, bool classify)
    {
        Require();
        var job = Path.Combine(modelsRoot, $"{model}-job.json");
        File.WriteAllText(job, JsonSerializer.Serialize(new { model, texts, pairs = pairs.Select(p => new[] { p.A, p.B }), classify }));
        var info = new ProcessStartInfo("node") { WorkingDirectory = ClientDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(ClientDirectory, "transformers-client.mjs"), modelsRoot, job }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"transformers.js ran past {Limit.TotalMinutes} minutes: {stderr.Result}");
        }
        Assert.True(process.ExitCode == 0, $"transformers.js exited {process.ExitCode}:\n{stderr.Result}");
        return JsonNode.Parse(stdout.Result)!.AsObject();
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
