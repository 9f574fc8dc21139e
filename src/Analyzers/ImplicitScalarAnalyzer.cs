using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Distill.Analyzers;

/// <summary>
/// Flags the TorchSharp Scalars that nothing holds while LibTorch reads them. TorchSharp 0.107's <c>Scalar</c> is
/// finalizable and its methods pass only its native handle to LibTorch, so a temporary Scalar is unreachable during
/// the native call and a collection started by another thread can free it there ("Unknown scalar type", "Expected
/// false to be true … toFloat"; TorchSharp PR #1434). DIST001: a number or bool converted to a Scalar as an operand
/// or argument (<c>t.mul(0.5)</c>, <c>t.add_(1e-8)</c>, <c>torch.full(shape, 0.0)</c>). DIST002: a TorchSharp
/// member that makes such a Scalar inside (<c>a + b</c>'s alpha of 1, <c>t * 2.0</c>, <c>t.square()</c>,
/// <c>AdamW.step()</c>; <see cref="HiddenScalarMembers"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ImplicitScalarAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The id of the temporary-Scalar conversion diagnostic.</summary>
    public const string ConversionId = "DIST001";

    /// <summary>The id of the hidden-Scalar member diagnostic.</summary>
    public const string HiddenId = "DIST002";

    private const string Category = "Reliability";
    private const string HelpLink = "https://github.com/dotnet/TorchSharp/pull/1434";
    private const string Remedy = "hold it until the call returns: Distill.Runtime.KeptScalars (Plus, SubtractedFrom, Times, DividedBy, Power, One), a static readonly Scalar, or 'using var s = value.ToScalar();' passed as s";

    internal static readonly DiagnosticDescriptor Conversion = new(
        ConversionId,
        "Temporary TorchSharp Scalar",
        "'{0}' becomes a temporary TorchSharp Scalar that a garbage collection on another thread can free while LibTorch reads it; " + Remedy,
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink);

    internal static readonly DiagnosticDescriptor Hidden = new(
        HiddenId,
        "TorchSharp member with a hidden temporary Scalar",
        "'{0}' makes a temporary Scalar inside TorchSharp that a garbage collection on another thread can free while LibTorch reads it; {1}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Conversion, Hidden);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            if (scalar is null) return; // no TorchSharp, nothing to check
            start.RegisterOperationAction(c => CheckConversion(c, scalar), OperationKind.Conversion);
            start.RegisterOperationAction(c => CheckMember(c, ((IInvocationOperation)c.Operation).TargetMethod), OperationKind.Invocation);
            start.RegisterOperationAction(c => CheckMember(c, ((IObjectCreationOperation)c.Operation).Constructor), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => CheckMember(c, ((IBinaryOperation)c.Operation).OperatorMethod), OperationKind.Binary);
            start.RegisterOperationAction(c => CheckMember(c, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod), OperationKind.CompoundAssignment);
            start.RegisterOperationAction(c => CheckMember(c, ((IMethodReferenceOperation)c.Operation).Method), OperationKind.MethodReference);
            start.RegisterOperationAction(c => CheckMember(c, ((IPropertyReferenceOperation)c.Operation).Property.GetMethod), OperationKind.PropertyReference);
        });
    }

    private static void CheckConversion(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (conversion.OperatorMethod is not { } op || !SymbolEqualityComparer.Default.Equals(op.ContainingType, scalar)
            || !SymbolEqualityComparer.Default.Equals(conversion.Type, scalar) || IsHeld(conversion)) return;
        context.ReportDiagnostic(Diagnostic.Create(Conversion, conversion.Syntax.GetLocation(), conversion.Operand.Syntax.ToString()));
    }

    // A Scalar that initializes or is assigned to a variable, field or property is the writer's to hold: a `using`
    // variable or a static readonly field outlives the call; a plain local may not in optimized code (the JIT can
    // drop it once its handle is read), which the message and the README say, but flow analysis here does not check.
    private static bool IsHeld(IConversionOperation conversion) => conversion.Parent switch
    {
        IVariableInitializerOperation or IFieldInitializerOperation or IPropertyInitializerOperation => true,
        ISimpleAssignmentOperation assignment => assignment.Value == conversion,
        _ => false,
    };

    private static void CheckMember(OperationAnalysisContext context, IMethodSymbol? method)
    {
        if (method is null || method.ContainingAssembly?.Name != "TorchSharp" || !HiddenScalarMembers.Names.Contains(method.Name)) return;
        var id = (method.ReducedFrom ?? method).OriginalDefinition.GetDocumentationCommentId();
        if (id is null || !HiddenScalarMembers.Ids.Contains(id)) return;
        context.ReportDiagnostic(Diagnostic.Create(Hidden, context.Operation.Syntax.GetLocation(), Describe(method), HiddenScalarMembers.Advice(method)));
    }

    private static string Describe(IMethodSymbol method) =>
        method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
}
