using Distill.Analyzers;
using Distill.Tests.Support;

namespace Distill.Tests.Analyzers;

/// <summary>
/// The library is built with the Scalar analyzer and holds every Scalar: its own sources give no DIST001/DIST002
/// (so the build, where src/ makes them errors, passes), one planted raw operator gives one, and the build wiring puts
/// the analyzer on the library as errors and on the samples (user code) as warnings, as the package gives it to users.
/// </summary>
public sealed class LibraryScalarTests
{
    private const string Planted = """
        public static class Planted
        {
            public static TorchSharp.torch.Tensor Half(TorchSharp.torch.Tensor t) => t * 0.5;
        }
        """;

    [Theory]
    [InlineData("Shared", "Distill.Shared")]
    [InlineData("DistillStudent", "Distill.DistillStudent")]
    public void Analyze_LibrarySources_NoneFlaggedAndAPlantedOperatorIs(string project, string assembly)
    {
        var sources = Sources(project).Append(("Planted.cs", Planted));

        var found = Assert.Single(AnalyzerCompilation.Analyze(sources, assembly)); // the planted line, and nothing of the library's
        Assert.Equal((ImplicitScalarAnalyzer.HiddenId, "Planted.cs"), (found.Id, found.Location.SourceTree!.FilePath));
    }

    [Fact]
    public void Build_LibraryAndSample_ErrorsInTheLibraryWarningsInTheSample()
    {
        var library = Evaluate(Path.Combine("src", "DistillStudent", "DistillStudent.csproj"));
        var sample = Evaluate(Path.Combine("samples", "TextCnn", "TextCnn.csproj"));

        Assert.Equal("true", library.Analyzer);
        Assert.Equal(["DIST001", "DIST002"], library.WarningsAsErrors.Split(';').Where(w => w.StartsWith("DIST", StringComparison.Ordinal)));
        Assert.DoesNotContain(library.WarningsNotAsErrors.Split(';'), w => w.StartsWith("DIST", StringComparison.Ordinal));
        Assert.Equal("true", sample.Analyzer);
        Assert.DoesNotContain(sample.WarningsAsErrors.Split(';'), w => w.StartsWith("DIST", StringComparison.Ordinal));
        Assert.Equal(["DIST001", "DIST002"], sample.WarningsNotAsErrors.Split(';').Where(w => w.StartsWith("DIST", StringComparison.Ordinal)));
    }

    private static List<(string Path, string Text)> Sources(string project)
    {
        var root = Path.Combine(TestAssets.RepositoryRoot, "src", project);
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)
                && !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)[0].Equals("bin", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 10, $"{root}: found {files.Count} C# files, expected the project's sources");
        return files.Select(f => (f, File.ReadAllText(f))).ToList();
    }

    // The properties Directory.Build.targets sets, as MSBuild evaluates them for the project (no build).
    private static (string Analyzer, string WarningsAsErrors, string WarningsNotAsErrors) Evaluate(string project)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "msbuild", Path.Combine(TestAssets.RepositoryRoot, project), "-getProperty:DistillScalarAnalyzer", "-getProperty:WarningsAsErrors", "-getProperty:WarningsNotAsErrors" }) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var json = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)) && process.ExitCode == 0, $"dotnet msbuild {project} failed:\n{json}{error.Result}");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var properties = document.RootElement.GetProperty("Properties");
        return (properties.GetProperty("DistillScalarAnalyzer").GetString()!, properties.GetProperty("WarningsAsErrors").GetString()!,
            properties.GetProperty("WarningsNotAsErrors").GetString()!);
    }
}
