using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Distill.Tests.Support;
using Xunit.Abstractions;

namespace Distill.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack</c> makes of the projects: the libraries' packages (metadata, README, XML docs, the inference
/// package's dependency list free of LibTorch), from this build's outputs (<c>--no-build</c>, seconds); and, with
/// <see cref="ToolsOptIn"/>=1, the three executables packed as dotnet tools (about 400 MB each, LibTorch and ONNX
/// Runtime inside: minutes), installed from the packed folder into a temporary tool path and run with --help.
/// </summary>
public sealed class PackageTests(ITestOutputHelper output)
{
    /// <summary>The environment variable that switches the tool packing test on.</summary>
    public const string ToolsOptIn = "DISTILL_PACKAGE_TESTS";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    // The configuration this test assembly was built in, so that --no-build finds the projects' outputs beside it.
    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    [Fact]
    public void Pack_InferenceTextAndCacheLibraries_MetadataReadmeDocsAndNoLibTorchDependency()
    {
        using var dir = new TemporaryDirectory();

        foreach (var project in new[] { "Inference", "Text", "Cache" }) Dotnet("pack", Project(project), "-c", Configuration, "--no-build", "-o", dir.Path, "--nologo");

        var inference = Nuspec(dir.File("Distill.Inference.0.1.0.nupkg"), out var inferenceFiles);
        var text = Nuspec(dir.File("Distill.Text.0.1.0.nupkg"), out var textFiles);
        var cache = Nuspec(dir.File("Distill.Cache.0.1.0.nupkg"), out var cacheFiles);
        Assert.Equal(["Distill.Text", "Microsoft.ML.OnnxRuntime.Gpu.Linux"], Dependencies(inference));
        Assert.Equal(["Microsoft.ML.Tokenizers"], Dependencies(text));
        Assert.Equal(["Distill.Text", "Parquet.Net", "Polly", "System.Numerics.Tensors", "ZstdSharp.Port"], Dependencies(cache));
        foreach (var (nuspec, files, assembly) in new[] { (inference, inferenceFiles, "Distill.Inference"), (text, textFiles, "Distill.Text"), (cache, cacheFiles, "Distill.Cache") })
        {
            Assert.Equal("README.md", Metadata(nuspec, "readme"));
            Assert.False(string.IsNullOrWhiteSpace(Metadata(nuspec, "description")));
            Assert.Equal("Distill maintainers", Metadata(nuspec, "authors"));
            Assert.Contains("README.md", files);
            Assert.Contains($"lib/net10.0/{assembly}.dll", files);
            Assert.Contains($"lib/net10.0/{assembly}.xml", files);
        }
    }

    /// <summary>
    /// The Scalar analyzer (DIST001/DIST002) reaches user projects: Distill.Shared carries it where NuGet hands it to
    /// the compiler, and Distill.DistillStudent's dependency on Distill.Shared lets it through (NuGet's default
    /// excludes a dependency's analyzers). A console project referencing the packed Distill.DistillStudent got both
    /// warnings on <c>t * 0.5</c> and <c>t.clamp_min(1e-8)</c> (.NET SDK 10.0.401, by hand: it restores LibTorch).
    /// </summary>
    [Fact]
    public void Pack_SharedAndDistillStudent_AnalyzerCarriedAndPassedOnToUsers()
    {
        using var dir = new TemporaryDirectory();

        foreach (var project in new[] { "Shared", "DistillStudent" }) Dotnet("pack", Project(project), "-c", Configuration, "--no-build", "-o", dir.Path, "--nologo");

        Nuspec(dir.File("Distill.Shared.0.1.0.nupkg"), out var files);
        Assert.Contains("analyzers/dotnet/cs/Distill.Analyzers.dll", files);
        Assert.Contains("lib/net10.0/Distill.Shared.dll", files);
        Assert.DoesNotContain(files, f => f.StartsWith("lib/", StringComparison.Ordinal) && f.Contains("Distill.Analyzers", StringComparison.Ordinal));
        var student = Nuspec(dir.File("Distill.DistillStudent.0.1.0.nupkg"), out _);
        var shared = student.Descendants().Single(e => e.Name.LocalName == "dependency" && e.Attribute("id")!.Value == "Distill.Shared");
        Assert.DoesNotContain("Analyzers", (shared.Attribute("exclude")?.Value ?? "").Split(','));
        Assert.DoesNotContain("Distill.Analyzers", Dependencies(student));
    }

    [SkippableFact]
    public void ToolInstall_ThreeExecutablesFromThePackedFolder_AnswerHelp()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable(ToolsOptIn) == "1",
            $"packing the three tools writes about 1.2 GB and takes minutes; set {ToolsOptIn}=1 to run it");
        using var dir = new TemporaryDirectory();
        (string Project, string Command)[] tools = [("DistillStudent.Cli", "distill-student"), ("CacheTeacher", "cache-teacher"), ("Export", "export-onnx")];

        foreach (var (project, _) in tools) Dotnet("pack", Project(project), "-c", Configuration, "--no-build", "-o", dir.File("packages"), "--nologo");
        foreach (var (_, command) in tools)
        {
            Assert.Equal("DotnetTool", Nuspec(dir.File("packages", $"{command}.0.1.0.nupkg"), out _).Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")!.Value);
            Dotnet("tool", "install", command, "--tool-path", dir.File("tools"), "--add-source", dir.File("packages"), "--version", "0.1.0");
            var help = Run(dir.File("tools", command), "--help");
            Assert.Contains($"{command} [command] [options]", help, StringComparison.Ordinal);
        }
    }

    private static string Project(string name) => Path.Combine(TestAssets.RepositoryRoot, "src", name, $"{name}.csproj");

    private static XDocument Nuspec(string nupkg, out List<string> files)
    {
        using var archive = ZipFile.OpenRead(nupkg);
        files = archive.Entries.Select(e => e.FullName).ToList();
        using var stream = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string? Metadata(XDocument nuspec, string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string[] Dependencies(XDocument nuspec) =>
        nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal).ToArray();

    private void Dotnet(params string[] args)
    {
        var text = Run("dotnet", args);
        output.WriteLine(text);
    }

    private static string Run(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', args)} ran past {Limit.TotalMinutes} minutes");
        }
        Assert.True(process.ExitCode == 0, $"{executable} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result + stderr.Result;
    }
}
