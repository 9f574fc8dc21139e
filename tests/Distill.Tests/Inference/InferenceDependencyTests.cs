using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Distill.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Inference;

/// <summary>A service that references Distill.Inference must not pull in LibTorch: three views of its dependency graph.</summary>
public sealed class InferenceDependencyTests
{
    private static string Project(string name) => Path.Combine(TestAssets.RepositoryRoot, "src", name, $"{name}.csproj");

    private static bool IsTorch(string name) =>
        name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase) || name.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every package referenced by the project or, through ProjectReference, by the projects below it.</summary>
    private static HashSet<string> Packages(string csproj, HashSet<string>? seen = null)
    {
        seen ??= [];
        var packages = new HashSet<string>();
        if (!seen.Add(Path.GetFullPath(csproj))) return packages;
        var project = XDocument.Load(csproj);
        foreach (var reference in project.Descendants("PackageReference")) packages.Add(reference.Attribute("Include")!.Value);
        foreach (var reference in project.Descendants("ProjectReference"))
        {
            packages.UnionWith(Packages(Path.Combine(Path.GetDirectoryName(csproj)!, reference.Attribute("Include")!.Value), seen));
        }
        return packages;
    }

    [Fact]
    public void ProjectReferences_OfInference_ReachNoTorchSharpPackage()
    {
        var packages = Packages(Project("Inference"));

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", packages);
        Assert.Contains("Microsoft.ML.Tokenizers", packages);
        Assert.DoesNotContain(packages, IsTorch);
        // The same walk finds LibTorch where it is referenced.
        Assert.Contains(Packages(Project("Shared")), IsTorch);
    }

    [Fact]
    public void AssetsFile_OfInference_ResolvesNoTorchSharpLibrary()
    {
        var assets = Path.Combine(TestAssets.RepositoryRoot, "src", "Inference", "obj", "project.assets.json");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));

        // Keys are "Name/Version" for every package and project restore resolved, transitive ones included.
        var libraries = document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", libraries);
        Assert.Contains("Distill.Text", libraries);
        Assert.DoesNotContain(libraries, IsTorch);
    }

    [Fact]
    public void BuiltAssembly_OfInference_ReferencesNoTorchSharpAssembly()
    {
        var visited = new HashSet<string>();
        var referenced = new HashSet<string>();
        var pending = new Queue<Assembly>([typeof(OnnxStudent).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (!visited.Add(assembly.GetName().Name!)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                referenced.Add(reference.Name!);
                if (reference.Name!.StartsWith("Distill.", StringComparison.Ordinal)) pending.Enqueue(Assembly.Load(reference));
            }
        }

        Assert.Equal(["Distill.Inference", "Distill.Text"], visited.Order());
        Assert.Contains("Microsoft.ML.OnnxRuntime", referenced);
        Assert.DoesNotContain(referenced, IsTorch);
    }
}
