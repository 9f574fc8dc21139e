using System.Collections.Immutable;
using Distill.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Distill.Tests.Analyzers;

/// <summary>
/// Compiles C# sources against the assemblies this test runs with (TorchSharp, Distill.Shared, the framework) and
/// returns what <see cref="ImplicitScalarAnalyzer"/> reports, after checking that the sources compiled: an analyzer
/// run over code that does not bind would prove nothing.
/// </summary>
internal static class AnalyzerCompilation
{
    // The implicit usings of the SDK, as the projects here have them (ImplicitUsings=enable).
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> Platform = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray());

    /// <summary>The analyzer's diagnostics over <paramref name="sources"/>, ordered by position.</summary>
    /// <param name="sources">file name → C# text</param>
    /// <param name="assemblyName">the assembly these sources build, left out of the references (it grants internals by this name)</param>
    public static IReadOnlyList<Diagnostic> Analyze(IEnumerable<(string Path, string Text)> sources, string assemblyName = "Analyzed")
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, parse, "GlobalUsings.g.cs")).ToList();
        var references = Platform.Value.Where(r => Path.GetFileNameWithoutExtension(r.Display) != assemblyName);
        var compilation = CSharpCompilation.Create(assemblyName, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var analyzer = new ImplicitScalarAnalyzer();
        var all = compilation.WithAnalyzers([analyzer]).GetAllDiagnosticsAsync().GetAwaiter().GetResult(); // one binding for both
        // CS8795: a [GeneratedRegex] partial method, whose body the SDK's source generator writes at build.
        var errors = all.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795" && !d.Id.StartsWith("DIST", StringComparison.Ordinal)).Take(5).ToList();
        Assert.True(errors.Count == 0, "the sources do not compile:\n" + string.Join("\n", errors));
        var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).ToHashSet();
        return all.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start).ToList();
    }

    /// <summary>The analyzer's diagnostics over one method body that has tensors <c>t</c>, <c>a</c>, <c>b</c>.</summary>
    public static IReadOnlyList<Diagnostic> AnalyzeBody(string body) => Analyze([("Snippet.cs", $$"""
        using Distill.Runtime;
        using TorchSharp;
        using static TorchSharp.torch;

        public static class Snippet
        {
            private static readonly Scalar Kept = 2.0.ToScalar();

            public static object Run(Tensor t, Tensor a, Tensor b)
            {
                {{body}}
            }
        }
        """)]);
}
