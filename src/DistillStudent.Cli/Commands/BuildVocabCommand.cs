using System.CommandLine;
using Distill.Cli;
using Distill.DistillStudent.Students;
using Distill.Tokenization;

namespace Distill.DistillStudent.Commands;

/// <summary><c>build-vocab</c>: a smaller student vocabulary from classification training text, of teacher pieces or learnt.</summary>
internal sealed class BuildVocabCommand : Command
{
    private readonly Option<string> teacher = new("--teacher") { Description = "teacher model directory: its do_lower_case normalizes the data and its vocab.txt gives the pieces (required without --learn; with --learn optional, uncased without it)" };
    private readonly Option<string> data = new("--data") { Description = "classification training data (CSV, TSV or JSONL with text and optional text_b)", Required = true };
    private readonly Option<int> size = new("--size") { Description = "number of entries: specials, then every single character of the data, then the teacher pieces most used on it (or, with --learn, the learnt pieces)", Required = true };
    private readonly Option<bool> learn = new("--learn") { Description = "learn a WordPiece vocabulary from the data (Hugging Face's WordPieceTrainer: merges of the most frequent pairs) instead of choosing teacher pieces" };
    private readonly Option<int?> minFrequency = new("--min-frequency") { Description = $"with --learn: merge no pair seen fewer times (default {WordPieceTrainerOptions.DefaultMinFrequency})" };
    private readonly Option<int?> limitAlphabet = new("--limit-alphabet") { Description = "with --learn: keep only this many distinct characters, the most frequent (default: all, so no word of the data becomes [UNK])" };
    private readonly Option<string> output = new("--out") { Description = "vocab.txt to write (atomically); give it to init-student --vocab", Required = true };

    public BuildVocabCommand() : base("build-vocab", "Build a student vocabulary: the teacher's specials, characters and most used pieces on the data, or with --learn a WordPiece vocabulary learnt from it")
    {
        foreach (var option in new Option[] { teacher, data, size, learn, minFrequency, limitAlphabet, output })
        {
            Options.Add(option);
        }
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var report = VocabularyBuilder.Run(new VocabularyRequest
        {
            Data = parse.GetValue(data)!,
            Size = parse.GetValue(size),
            Output = parse.GetValue(output)!,
            Teacher = parse.GetValue(teacher),
            Learn = parse.GetValue(learn),
            MinFrequency = parse.GetValue(minFrequency),
            LimitAlphabet = parse.GetValue(limitAlphabet),
        });
        parse.InvocationConfiguration.Output.WriteLine($"build-vocab: {report.Describe()}");
        return ExitCodes.Success;
    }
}
