using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Models;
using Distill.Onnx;
using Distill.Tasks;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.Teachers;

/// <summary>
/// An ONNX teacher's files as both stages find them: the graph, its config.json and vocab.txt (by default beside
/// the .onnx file, as Optimum and <c>export-onnx</c> write them), the output mapping and the casing. One definition
/// for <c>cache-teacher run --onnx</c> and <c>distill --teacher model.onnx</c>.
/// </summary>
/// <param name="Onnx">the graph</param>
/// <param name="ConfigPath">its config.json</param>
/// <param name="VocabPath">its vocab.txt</param>
/// <param name="Config">config.json as read</param>
/// <param name="Outputs">which graph outputs hold what</param>
/// <param name="Cased">whether the vocabulary is cased, when config.json has no do_lower_case</param>
internal sealed record OnnxTeacherFiles(string Onnx, string ConfigPath, string VocabPath, BertConfig Config, OnnxTeacherOutputs Outputs, bool Cased)
{
    /// <summary>Whether the teacher's tokenizer lower-cases: config.json's do_lower_case, else not <see cref="Cased"/>.</summary>
    public bool LowerCase => LowerCasing(Config, Cased);

    public WordPieceEncoder Tokenizer { get; } = WordPieceEncoder.FromVocabFile(VocabPath, new WordPieceOptions { LowerCase = LowerCasing(Config, Cased) }, Config.VocabSize);

    /// <summary>The label order of config.json's id2label, or null when it has none.</summary>
    public IReadOnlyList<string>? Labels => Config.Id2Label?.OrderBy(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture)).Select(kv => kv.Value).ToList();

    /// <summary>What shapes the teacher's outputs besides its files (mapping, casing): recorded in a cache's manifest and hashed into its identity.</summary>
    public JsonObject Settings => JsonSerializer.SerializeToNode(new { Outputs.Logits, Outputs.Hidden, Outputs.Pooled, Cased, provider = "onnx" })!.AsObject();

    /// <summary>
    /// Finds config.json and vocab.txt (<paramref name="configPath"/> and <paramref name="vocab"/>, or beside
    /// <paramref name="onnx"/> when null) and reads the config; <paramref name="outputs"/> is the output mapping (null
    /// is an error naming <c>--onnx-output</c>), <paramref name="cased"/> the casing when config.json has no do_lower_case.
    /// </summary>
    public static OnnxTeacherFiles Locate(string onnx, string? configPath, string? vocab, OnnxTeacherOutputs? outputs, bool cased)
    {
        if (!File.Exists(onnx)) throw new ConfigException($"the ONNX teacher {onnx} does not exist");
        if (outputs is null) throw new ConfigException($"the ONNX teacher {onnx} needs --onnx-output mappings (e.g. logits=logits)");
        var beside = Path.GetDirectoryName(Path.GetFullPath(onnx))!;
        configPath ??= Path.Combine(beside, ModelDirectory.ConfigFile);
        vocab ??= Path.Combine(beside, ModelDirectory.VocabFile);
        if (!File.Exists(configPath)) throw new ConfigException($"the ONNX teacher {onnx} needs its config.json: none at {configPath}; pass --onnx-config");
        if (!File.Exists(vocab)) throw new ConfigException($"the ONNX teacher {onnx} needs its vocab.txt: none at {vocab}; pass --vocab");
        return new OnnxTeacherFiles(onnx, configPath, vocab, BertConfig.Load(configPath), outputs, cased);
    }

    private static bool LowerCasing(BertConfig config, bool cased) => config.DoLowerCase ?? !cased;

    /// <summary>Opens the graph in ONNX Runtime (CUDA when <paramref name="preferCuda"/> and present) as a teacher of <paramref name="logitWidth"/> logits.</summary>
    public OnnxTeacher Open(TaskKind task, int logitWidth, int threads, bool preferCuda, Action<string> log) =>
        new(OnnxEncoderSession.Create(Onnx, threads, preferCuda, log), Outputs, task, logitWidth, Config, Tokenizer.PadId);

    /// <summary>
    /// Null when a tokenizer of <paramref name="vocabPath"/> (lower-casing when <paramref name="lowerCase"/>) gives the
    /// teacher's token ids, else what differs: the first differing token, or the casing.
    /// </summary>
    public string? VocabularyProblem(string vocabPath, bool lowerCase)
    {
        var ours = File.ReadAllLines(VocabPath);
        var theirs = File.ReadAllLines(vocabPath);
        var differ = Enumerable.Range(0, Math.Min(ours.Length, theirs.Length)).Where(i => ours[i] != theirs[i]).Select(i => (int?)i).FirstOrDefault();
        if (differ is { } at) return $"token {at} is \"{ours[at]}\" in {VocabPath}, \"{theirs[at]}\" in {vocabPath}";
        if (ours.Length != theirs.Length) return $"{VocabPath} has {ours.Length} tokens, {vocabPath} {theirs.Length}";
        return lowerCase == LowerCase ? null : $"the teacher's tokenizer {(LowerCase ? "lower-cases" : "keeps case")}, the student's {(lowerCase ? "lower-cases" : "keeps case")}";
    }
}
