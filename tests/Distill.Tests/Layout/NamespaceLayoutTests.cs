using System.Text.RegularExpressions;
using System.Xml.Linq;
using Distill.Tests.Support;

namespace Distill.Tests.Layout;

/// <summary>
/// The source tree shows the architecture: in every product project under <c>src/</c>, a file's namespace is the
/// project's root namespace plus its folder path, and no namespace is declared in two assemblies (read from the
/// <c>namespace</c> lines of <c>src/**/*.cs</c>, which is exact where reflection would miss files without types).
/// </summary>
public sealed class NamespaceLayoutTests
{
    private sealed record Declaration(string File, string Assembly, string Namespace, string Expected);

    private static readonly Regex NamespaceLine = new(@"^namespace\s+([\w.]+)", RegexOptions.Multiline);

    private static List<Declaration> Declarations()
    {
        var src = Path.Combine(TestAssets.RepositoryRoot, "src");
        var found = new List<Declaration>();
        foreach (var csproj in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            var project = XDocument.Load(csproj);
            string Property(string name) => project.Descendants(name).Single().Value;
            var root = Property("RootNamespace");
            var assembly = Property("AssemblyName");
            var dir = Path.GetDirectoryName(csproj)!;
            foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var folder = Path.GetRelativePath(dir, Path.GetDirectoryName(file)!);
                if (folder.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
                var expected = folder == "." ? root : root + "." + folder.Replace(Path.DirectorySeparatorChar, '.');
                foreach (Match match in NamespaceLine.Matches(File.ReadAllText(file)))
                {
                    found.Add(new Declaration(Path.GetRelativePath(src, file), assembly, match.Groups[1].Value, expected));
                }
            }
        }
        return found;
    }

    [Fact]
    public void EveryFile_DeclaresItsProjectRootNamespacePlusFolder()
    {
        var declarations = Declarations();

        Assert.True(declarations.Count > 300, $"found only {declarations.Count} namespace lines under src/");
        Assert.Empty(declarations.Where(d => d.Namespace != d.Expected).Select(d => $"{d.File}: namespace {d.Namespace}, expected {d.Expected}"));
    }

    [Fact]
    public void EveryNamespace_BelongsToOneAssembly()
    {
        var spanning = Declarations().GroupBy(d => d.Namespace)
            .Where(g => g.Select(d => d.Assembly).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Assembly).Distinct().Order(StringComparer.Ordinal))}");

        Assert.Empty(spanning);
    }
}
