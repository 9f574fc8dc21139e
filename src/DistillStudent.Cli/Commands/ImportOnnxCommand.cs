using System.CommandLine;
using System.Globalization;
using Distill.Cli;
using Distill.Models;
using Distill.Onnx;
using Distill.Runtime;
using Distill.Tokenization;
using Distill.Models.Bert;

namespace Distill.DistillStudent.Commands;

/// <summary><c>import-onnx</c>: turns a BERT ONNX model into a Hugging Face directory and checks parity.</summary>
internal sealed class ImportOnnxCommand : Command
{
    public const double DefaultTolerance = 1e-4;

    private readonly Option<FileInfo> onnx = new("--onnx") { Description = "the BERT ONNX model (weights inside the file)", Required = true };
    private readonly Option<FileInfo> vocab = new("--vocab") { Description = "the model's WordPiece vocab.txt", Required = true };
    private readonly Option<DirectoryInfo> output = new("--out") { Description = "directory to write config.json, model.safetensors and vocab.txt to", Required = true };
    private readonly Option<int?> heads = new("--num-heads") { Description = "number of attention heads, when the graph does not reveal it" };
    private readonly Option<bool> cased = new("--cased") { Description = "the vocabulary is cased: do not lower-case or strip accents" };
    private readonly Option<double> tolerance = new("--tolerance")
    {
        Description = "largest acceptable difference of the last hidden state",
        DefaultValueFactory = _ => DefaultTolerance,
    };
    private readonly Option<int> threads = CommandRunner.ThreadsOption();

    public ImportOnnxCommand() : base("import-onnx", "Read the weights of a BERT ONNX model into a Hugging Face model directory, then check that our model reproduces the ONNX model's outputs")
    {
        foreach (var option in new Option[] { onnx, vocab, output, heads, cased, tolerance, threads }) Options.Add(option);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var onnxPath = parse.GetValue(onnx)!.FullName;
        var vocabPath = parse.GetValue(vocab)!.FullName;
        var outDir = parse.GetValue(output)!.FullName;
        var limit = parse.GetValue(tolerance);
        var threadCount = parse.GetValue(threads);
        var log = parse.InvocationConfiguration.Output;
        TorchRuntime.Initialize(threadCount);

        var import = BertOnnxImporter.Import(onnxPath, parse.GetValue(heads));
        foreach (var note in import.Notes) log.WriteLine($"import: {note}");
        var lowerCase = !parse.GetValue(cased);
        var config = import.Config with { DoLowerCase = lowerCase };

        // Checked before anything is written: a damaged vocabulary must not be published beside the weights.
        var tokenizer = WordPieceEncoder.FromVocabFile(vocabPath, new WordPieceOptions { LowerCase = lowerCase }, config.VocabSize);
        using var model = new BertModel(config, import.HasPooler);
        StateDict.Load(model, import.Weights, onnxPath);
        foreach (var weight in import.Weights.Values) weight.Dispose();
        ModelDirectory.Save(outDir, model, vocabPath);
        log.WriteLine($"import: wrote {outDir} ({config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads, vocab {config.VocabSize})");

        // Parity is about the weights, not speed: the CPU provider avoids a CUDA probe that logs errors where no GPU is.
        using var session = OnnxEncoderSession.Create(onnxPath, threadCount, preferCuda: false, log.WriteLine);
        var diff = ParityCheck.MaxAbsDiff(model, session, tokenizer, ParityCheck.DefaultSentences);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parity max_abs_diff={diff:G6}"));
        if (diff > limit)
        {
            parse.InvocationConfiguration.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: parity max_abs_diff {diff:G6} exceeds the tolerance {limit:G6}"));
            return ExitCodes.CheckFailed;
        }
        return ExitCodes.Success;
    }
}
