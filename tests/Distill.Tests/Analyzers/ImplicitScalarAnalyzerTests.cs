using Distill.Analyzers;
using Microsoft.CodeAnalysis;
using TorchSharp;

namespace Distill.Tests.Analyzers;

/// <summary>
/// DIST001 and DIST002 on snippets compiled against TorchSharp 0.107: every temporary Scalar is flagged (numbers as
/// Scalar arguments or operands, the operators and overloads that make one inside TorchSharp), the ways that hold one
/// are not, and the table of hidden-Scalar members is what TorchSharp's IL says.
/// </summary>
public sealed class ImplicitScalarAnalyzerTests
{
    private const string Conversion = ImplicitScalarAnalyzer.ConversionId;
    private const string Hidden = ImplicitScalarAnalyzer.HiddenId;

    [Theory]
    [InlineData("return t * 2.0;", Hidden)]                                 // operator *(Tensor, double) → mul(Scalar) inside
    [InlineData("return 2 * t;", Hidden)]
    [InlineData("return t / 8;", Hidden)]
    [InlineData("return 1 - t;", Hidden)]                                   // negative().add(1): the 1 and its alpha
    [InlineData("return t + 1e-8;", Hidden)]
    [InlineData("return t % 3;", Hidden)]
    [InlineData("return a + b;", Hidden)]                                   // add(b) passes alpha: 1
    [InlineData("a += b; return a;", Hidden)]
    [InlineData("return a.add(b);", Hidden)]
    [InlineData("return t.add_(1e-3);", Conversion, Hidden)]                // the 1e-3, and add_(Scalar)'s alpha
    [InlineData("return t.add(Kept);", Hidden)]                             // held value, hidden alpha
    [InlineData("return t + Kept;", Hidden)]
    [InlineData("return t.mul(0.5);", Conversion)]
    [InlineData("return t.mul_(0.5f);", Conversion)]
    [InlineData("return t.pow(2);", Conversion)]
    [InlineData("return t.square();", Hidden)]
    [InlineData("return t.clamp_min(1);", Conversion)]
    [InlineData("return t.eq(0);", Conversion)]
    [InlineData("return t < 0;", Conversion)]
    [InlineData("return t.masked_fill(t.eq(Kept), double.NegativeInfinity);", Conversion)]
    [InlineData("return full(new long[] { 2, 3 }, 0.0);", Conversion)]
    [InlineData("return t.fill_(true);", Conversion)]
    [InlineData("return t.mul((Scalar)2.0);", Conversion)]                  // a cast is the same temporary
    [InlineData("return arange(10);", Conversion, Hidden)]                  // the 10, and arange's start 0 and step 1
    [InlineData("return normal(0, 0.02, new long[] { 4 });", Hidden)]
    [InlineData("return nn.functional.leaky_relu(t);", Hidden)]
    [InlineData("Func<Tensor> f = t.square; return f();", Hidden)]          // a delegate to one
    [InlineData("var o = optim.AdamW(new[] { new TorchSharp.Modules.Parameter(t) }); return o.step();", Hidden)]
    public void Analyze_TemporaryScalar_Flagged(string body, params string[] expected)
    {
        var found = AnalyzerCompilation.AnalyzeBody(body).Select(d => d.Id).Order(StringComparer.Ordinal);

        Assert.Equal(expected.Order(StringComparer.Ordinal), found);
    }

    [Theory]
    [InlineData("return t.Times(2.0);")]                                    // KeptScalars
    [InlineData("return a.Plus(b);")]
    [InlineData("return t.Plus(1e-8).DividedBy(8).SubtractedFrom(1).Power(2);")]
    [InlineData("return a.add(b, KeptScalars.One);")]
    [InlineData("return t.eq(KeptScalars.Zero);")]
    [InlineData("return t.mul(Kept);")]                                     // a static readonly Scalar
    [InlineData("using var s = 0.5.ToScalar(); return t.mul(s);")]
    [InlineData("using Scalar s = 0.5; return t.mul_(s);")]
    [InlineData("Scalar s = 0.5; return t.mul(s);")]                        // held in a variable
    [InlineData("return a - b;")]                                           // sub, mul, div of two tensors pass no Scalar
    [InlineData("return a * b / b;")]
    [InlineData("return t.add_(a, KeptScalars.One).sqrt().mean(new long[] { -1 });")]
    public void Analyze_HeldScalarOrNoScalar_NotFlagged(string body)
    {
        Assert.Empty(AnalyzerCompilation.AnalyzeBody(body));
    }

    [Fact]
    public void Analyze_Messages_NameTheValueAndWhatToWriteInstead()
    {
        var diagnostics = AnalyzerCompilation.AnalyzeBody("t.mul_(0.25); return t * 2.0;");

        Assert.Equal(2, diagnostics.Count);
        var conversion = diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("'0.25' becomes a temporary TorchSharp Scalar", conversion, StringComparison.Ordinal);
        Assert.Contains("KeptScalars", conversion, StringComparison.Ordinal);
        Assert.Contains("using var s = value.ToScalar();", conversion, StringComparison.Ordinal);
        var hidden = diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("'torch.Tensor.operator *(torch.Tensor, double)' makes a temporary Scalar inside TorchSharp", hidden, StringComparison.Ordinal);
        Assert.Contains("t.Times(value)", hidden, StringComparison.Ordinal);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity)); // users' default; src/ makes them errors
    }

    [Fact]
    public void HiddenScalarMembers_TorchSharpIl_SameMembers()
    {
        var scanned = HiddenScalarScan.MemberIds(typeof(torch).Assembly.Location, out var disposers);

        Assert.Equal(0, disposers); // no method that makes a Scalar disposes (so holds) it: each one is a temporary
        var missing = scanned.Except(HiddenScalarMembers.Ids).ToList();
        var stale = HiddenScalarMembers.Ids.Except(scanned).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"HiddenScalarMembers.Ids differs from TorchSharp {typeof(torch).Assembly.GetName().Version}'s IL; missing:\n{string.Join("\n", missing)}\nstale:\n{string.Join("\n", stale)}");
        Assert.Contains("M:TorchSharp.torch.Tensor.op_Addition(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)", scanned);
        Assert.DoesNotContain("M:TorchSharp.torch.Tensor.op_Subtraction(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)", scanned);
    }
}
