using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Distill.Tests.Analyzers;

/// <summary>
/// Reads TorchSharp's IL for the public members that make a Scalar and do not hold it: every method whose body calls
/// one of <c>Scalar</c>'s implicit conversions or a <c>ToScalar</c> extension (none of them disposes the Scalar or
/// keeps it alive: <see cref="ScalarDisposers"/>), then every public method that reaches one through calls, delegates
/// or lambdas inside TorchSharp. Returned as documentation comment ids, the analyzer's own keys.
/// </summary>
internal static class HiddenScalarScan
{
    /// <summary>The documentation ids of the public TorchSharp members that make a temporary Scalar inside.</summary>
    public static SortedSet<string> MemberIds(string torchSharpPath, out int scalarDisposers)
    {
        using var stream = File.OpenRead(torchSharpPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var callees = metadata.MethodDefinitions.ToDictionary(h => h, h => Callees(pe, metadata, h));
        bool IsMaker(MethodDefinitionHandle h) => QualifiedName(metadata, h) is "TorchSharp.Scalar.op_Implicit" or "TorchSharp.ScalarExtensionMethods.ToScalar";
        var makers = callees.Where(c => !IsMaker(c.Key) && c.Value.Any(IsMaker)).Select(c => c.Key).ToList();
        scalarDisposers = makers.Count(m => callees[m].Any(c => QualifiedName(metadata, c) == "TorchSharp.Scalar.Dispose"));

        var callers = callees.SelectMany(c => c.Value.Select(callee => (callee, caller: c.Key))).ToLookup(p => p.callee, p => p.caller);
        var reached = new HashSet<MethodDefinitionHandle>(makers);
        var queue = new Queue<MethodDefinitionHandle>(makers);
        while (queue.Count > 0)
            foreach (var caller in callers[queue.Dequeue()])
                if (!IsMaker(caller) && reached.Add(caller)) queue.Enqueue(caller);
        var tokens = reached.Select(h => MetadataTokens.GetToken(h)).ToHashSet();

        var reference = MetadataReference.CreateFromFile(torchSharpPath);
        var compilation = CSharpCompilation.Create("scan", references: [reference, MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
        var assembly = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(reference)!;
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Types(assembly.GlobalNamespace).Where(IsPublic))
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                if (method.DeclaredAccessibility == Accessibility.Public && tokens.Contains(method.MetadataToken))
                    ids.Add(method.GetDocumentationCommentId()!);
        return ids;
    }

    /// <summary>What the IL scan counts as a method that disposes its Scalar (and so holds it): none in 0.107.</summary>
    public const string ScalarDisposers = "calls to TorchSharp.Scalar.Dispose from a method that makes a Scalar";

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceSymbol ns) =>
        ns.GetTypeMembers().SelectMany(Nested).Concat(ns.GetNamespaceMembers().SelectMany(Types));

    private static IEnumerable<INamedTypeSymbol> Nested(INamedTypeSymbol type) => type.GetTypeMembers().SelectMany(Nested).Prepend(type);

    private static bool IsPublic(INamedTypeSymbol type) =>
        type.DeclaredAccessibility == Accessibility.Public && (type.ContainingType is null || IsPublic(type.ContainingType));

    private static string QualifiedName(MetadataReader metadata, MethodDefinitionHandle handle)
    {
        var method = metadata.GetMethodDefinition(handle);
        var type = metadata.GetTypeDefinition(method.GetDeclaringType());
        return $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}.{metadata.GetString(method.Name)}";
    }

    // The methods of this assembly that a body calls, constructs or takes a delegate of (call, callvirt, newobj, ldftn,
    // ldvirtftn); walking the IL needs each opcode's operand size.
    private static List<MethodDefinitionHandle> Callees(PEReader pe, MetadataReader metadata, MethodDefinitionHandle handle)
    {
        var found = new List<MethodDefinitionHandle>();
        var rva = metadata.GetMethodDefinition(handle).RelativeVirtualAddress;
        if (rva == 0) return found;
        var il = pe.GetMethodBody(rva).GetILBytes()!;
        for (var i = 0; i < il.Length;)
        {
            short code = il[i++];
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il[i++]));
            var operand = OperandSizes.Value[code];
            if (operand < 0) { i += 4 + 4 * BitConverter.ToInt32(il, i); continue; } // switch: count, then targets
            if (code is 0x28 or 0x6F or 0x73 or unchecked((short)0xFE06) or unchecked((short)0xFE07))
            {
                var token = BitConverter.ToInt32(il, i);
                if (token >> 24 == 0x06) found.Add(MetadataTokens.MethodDefinitionHandle(token & 0xFFFFFF));
            }
            i += operand;
        }
        return found;
    }

    private static readonly Lazy<Dictionary<short, int>> OperandSizes = new(() =>
        typeof(System.Reflection.Emit.OpCodes).GetFields().Select(f => (System.Reflection.Emit.OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType switch
        {
            System.Reflection.Emit.OperandType.InlineNone => 0,
            System.Reflection.Emit.OperandType.ShortInlineBrTarget or System.Reflection.Emit.OperandType.ShortInlineI or System.Reflection.Emit.OperandType.ShortInlineVar => 1,
            System.Reflection.Emit.OperandType.InlineVar => 2,
            System.Reflection.Emit.OperandType.InlineI8 or System.Reflection.Emit.OperandType.InlineR => 8,
            System.Reflection.Emit.OperandType.InlineSwitch => -1,
            _ => 4,
        }));
}
