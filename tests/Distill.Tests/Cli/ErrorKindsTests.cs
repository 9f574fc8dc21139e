using System.Reflection;
using System.Text.RegularExpressions;
using Distill.Cache;
using Distill.Cli;
using Distill.Data;
using Distill.Errors;
using Distill.Inference;
using Distill.IO;
using Distill.Models;
using Distill.Onnx;
using Distill.Safetensors;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>Exit codes follow the kind the throwing site decided, never the .NET type alone.</summary>
public sealed partial class ErrorKindsTests
{
    /// <summary>Each exception type of our own, made with a message, and the kind it must carry.</summary>
    private static readonly Dictionary<Type, (Func<Exception> Make, ErrorKind Kind)> Own = new()
    {
        [typeof(ConfigException)] = (() => new ConfigException("m"), ErrorKind.BadInput),
        [typeof(DataFormatException)] = (() => new DataFormatException("f", "line 1", "m"), ErrorKind.BadInput),
        [typeof(CacheFormatException)] = (() => new CacheFormatException("m"), ErrorKind.BadInput),
        [typeof(ModelLoadException)] = (() => new ModelLoadException("m"), ErrorKind.BadInput),
        [typeof(SafetensorsFormatException)] = (() => new SafetensorsFormatException("m"), ErrorKind.BadInput),
        [typeof(OnnxImportException)] = (() => new OnnxImportException("m"), ErrorKind.BadInput),
        [typeof(OnnxModelException)] = (() => new OnnxModelException("m"), ErrorKind.BadInput),
        [typeof(SyncFailedException)] = (() => new SyncFailedException("m"), ErrorKind.Io),
        [typeof(Distill.Runtime.NonFiniteLossException)] = (() => new Distill.Runtime.NonFiniteLossException("m"), ErrorKind.Environment),
        [typeof(KindedException)] = (() => new KindedException(ErrorKind.Environment, "m"), ErrorKind.Environment),
    };

    /// <summary>
    /// The framework exception types that src/ throws, and the kind each has when it reaches the command runner:
    /// only a missing file, malformed data read by our own parsers and an I/O failure say who is at fault; the
    /// others mean a state the code should not reach, a bug (a site that throws one for a user's mistake must
    /// state its kind with an exception of its own instead).
    /// </summary>
    private static readonly Dictionary<string, (Exception Example, ErrorKind Kind)> Framework = new()
    {
        ["FileNotFoundException"] = (new FileNotFoundException("m"), ErrorKind.BadInput),
        ["InvalidDataException"] = (new InvalidDataException("m"), ErrorKind.BadInput),
        ["IOException"] = (new IOException("m"), ErrorKind.Io),
        ["InvalidOperationException"] = (new InvalidOperationException("m"), ErrorKind.Internal),
        ["ArgumentException"] = (new ArgumentException("m"), ErrorKind.Internal),
        ["ArgumentOutOfRangeException"] = (new ArgumentOutOfRangeException("p", "m"), ErrorKind.Internal),
        // The library API's guard against a null argument: the calling code's bug, not a user's input.
        ["ArgumentNullException"] = (new ArgumentNullException("p", "m"), ErrorKind.Internal),
        ["KeyNotFoundException"] = (new KeyNotFoundException("m"), ErrorKind.Internal),
        ["NotSupportedException"] = (new NotSupportedException("m"), ErrorKind.Internal),
    };

    private static IEnumerable<Assembly> OurAssemblies() =>
        new[] { typeof(ConfigException), typeof(CacheFormatException), typeof(ModelDirectory), typeof(ExitCodes), typeof(OnnxModelException), typeof(DistillStudent.Training.TrainerState),
            typeof(Distill.Export.ExportCli), typeof(Distill.CacheTeacher.CacheTeacherCli), typeof(Distill.DistillStudent.DistillStudentCli) }
        .Select(t => t.Assembly).Distinct();

    [Fact]
    public void OwnExceptionTypes_EveryOneStatesItsKind()
    {
        var found = OurAssemblies().SelectMany(a => a.GetTypes()).Where(t => typeof(Exception).IsAssignableFrom(t)).ToHashSet();

        Assert.Equal(Own.Keys.OrderBy(t => t.FullName), found.OrderBy(t => t.FullName));
        foreach (var (type, (make, kind)) in Own)
        {
            Assert.True(typeof(IKindedException).IsAssignableFrom(type), $"{type.Name} does not state its kind");
            Assert.Equal(kind, ErrorKinds.Of(make()));
        }
    }

    [Fact]
    public void FrameworkExceptionsThrownInSrc_EachHasItsDecidedKind()
    {
        var own = Own.Keys.Select(t => t.Name).ToHashSet();
        var thrown = Directory.EnumerateFiles(Path.Combine(TestAssets.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => ThrowNew().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Select(name => name[(name.LastIndexOf('.') + 1)..])
            .Where(name => !own.Contains(name))
            .ToHashSet();

        Assert.Empty(thrown.Except(Framework.Keys));
        foreach (var (name, (example, kind)) in Framework) Assert.True(kind == ErrorKinds.Of(example), $"{name}: {ErrorKinds.Of(example)}, expected {kind}");
    }

    [Theory]
    [InlineData(ErrorKind.Usage, ExitCodes.Usage)]
    [InlineData(ErrorKind.BadInput, ExitCodes.BadInput)]
    [InlineData(ErrorKind.Io, ExitCodes.IoFailure)]
    [InlineData(ErrorKind.Environment, ExitCodes.Environment)]
    [InlineData(ErrorKind.Internal, ExitCodes.InternalError)]
    public void ExitCode_EachKind_ItsDocumentedCode(ErrorKind kind, int code) => Assert.Equal(code, ErrorKinds.ExitCode(kind));

    [Fact]
    public void RunAsync_InvalidOperationException_IsABugNotAnEnvironmentFailure()
    {
        var run = Failing(new InvalidOperationException("Collection was modified; enumeration operation may not execute."));

        Assert.Equal(ExitCodes.InternalError, run.ExitCode);
        Assert.Contains("this is a bug", run.Error);
    }

    [Fact]
    public void RunAsync_KindStatedByTheSite_DecidesTheCodeWhateverTheWrapping()
    {
        var environment = new KindedException(ErrorKind.Environment, "LibTorch failed to load: libtorch.so not found");

        Assert.Equal(ExitCodes.Environment, Failing(environment).ExitCode);
        Assert.Equal(ExitCodes.Usage, Failing(new KindedException(ErrorKind.Usage, "DISTILL_PAUSE_AT=x: expected POINT@STEP")).ExitCode);
        var wrapped = Failing(new AggregateException(new DataFormatException("train.jsonl", "line 3", "malformed JSON")));
        Assert.Equal(ExitCodes.BadInput, wrapped.ExitCode);
        var staticField = Failing(new TypeInitializationException("Distill.DistillStudent.Training.PausePoint", new KindedException(ErrorKind.Usage, "DISTILL_PAUSE_AT=garbage")));
        Assert.Equal((ExitCodes.Usage, "error: DISTILL_PAUSE_AT=garbage"), (staticField.ExitCode, staticField.Error.Trim()));
        Assert.Equal("error: train.jsonl:line 3: malformed JSON", wrapped.Error.Trim());
    }

    private static CliRun Failing(Exception exception)
    {
        var command = new System.CommandLine.Command("fail");
        command.SetAction((_, _) => Task.FromException<int>(exception));
        return CliRun.Invoke(new System.CommandLine.RootCommand { command }, "fail");
    }

    [GeneratedRegex(@"throw new ([A-Za-z_][\w.]*)\(")]
    private static partial Regex ThrowNew();
}
