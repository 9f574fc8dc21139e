using System.CommandLine;
using Distill.Cli;
using Distill.Data;
using Distill.DistillStudent.Students;
using Distill.Models;

namespace Distill.DistillStudent.Commands;

/// <summary><c>build-vocab</c>: a smaller student vocabulary from the teacher's and classification training text.</summary>
internal sealed class BuildVocabCommand : Command
{
    private readonly Option<string> teacher = new("--teacher") { Description = "teacher model directory; its vocab.txt and do_lower_case tokenize the data", Required = true };
    private readonly Option<string> data = new("--data") { Description = "classification training data (CSV, TSV or JSONL with text and optional text_b)", Required = true };
    private readonly Option<int> size = new("--size") { Description = "number of entries: specials, then every single character of the data, then the teacher pieces most used on it", Required = true };
    private readonly Option<string> output = new("--out") { Description = "vocab.txt to write (atomically); give it to init-student --vocab", Required = true };

    public BuildVocabCommand() : base("build-vocab", "Build a student vocabulary: the teacher's specials, characters and most used pieces on the data")
    {
        foreach (var option in new Option[] { teacher, data, size, output })
        {
            Options.Add(option);
        }
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var directory = parse.GetValue(teacher)!;
        var config = BertConfig.Load(Path.Combine(directory, ModelDirectory.ConfigFile));
        var examples = ClassificationReader.Read(parse.GetValue(data)!, new DataReadOptions()).Examples;
        var vocabulary = VocabularyBuilder.Build(
            File.ReadAllLines(Path.Combine(directory, ModelDirectory.VocabFile)),
            ModelDirectory.LoadTokenizer(directory, config),
            examples.SelectMany(e => e.TextB is null ? [e.TextA] : new[] { e.TextA, e.TextB }),
            parse.GetValue(size));
        var path = parse.GetValue(output)!;
        VocabularyBuilder.Write(path, vocabulary);
        parse.InvocationConfiguration.Output.WriteLine(
            $"build-vocab: {vocabulary.Count} entries from {examples.Count} examples written to {path} (teacher: {config.VocabSize})");
        return ExitCodes.Success;
    }
}
