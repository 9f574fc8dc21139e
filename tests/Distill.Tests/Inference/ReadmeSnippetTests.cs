using Distill.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Inference;

/// <summary>The README's "Serve from .NET" snippet is this file's marked method, so it compiles and runs here.</summary>
public sealed class ReadmeSnippetTests
{
    // README:begin
    static string Classify(string modelPath, string text)
    {
        using var student = OnnxStudent.Load(modelPath, new OnnxStudentOptions { Threads = 2, Log = Console.Error.WriteLine });
        var prediction = student.Classify(text);
        return $"{prediction.Label} {prediction.Probabilities[prediction.Index]:F3}";
    }
    // README:end

    [Fact]
    public void Snippet_TinyClassifier_ClassifiesTheSentence()
    {
        using var dir = new TemporaryDirectory();

        Assert.Equal("pos 0.622", Classify(TinyStudents.Classifier(dir.Path), "the cat"));
    }

    [Fact]
    public void Readme_ServeSection_ShowsThisFilesSnippet()
    {
        var source = File.ReadAllLines(Path.Combine(TestAssets.RepositoryRoot, "tests", "Distill.Tests", "Inference", "ReadmeSnippetTests.cs"));
        var snippet = source.SkipWhile(l => !l.Contains("// README:begin")).Skip(1).TakeWhile(l => !l.Contains("// README:end"))
            .Select(l => l.Length >= 4 ? l[4..] : l);
        var readme = File.ReadAllLines(Path.Combine(TestAssets.RepositoryRoot, "README.md"));
        var block = readme.SkipWhile(l => l != "## Serve from .NET").SkipWhile(l => l != "```csharp").Skip(1).TakeWhile(l => l != "```");

        Assert.Equal(snippet, block);
        Assert.NotEmpty(block);
    }
}
