using System.CommandLine;
using Distill.Cli;
using Distill.DistillStudent.Students;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>init-student</c>: make a student model directory from a teacher (random, preset, teacher layers or another checkpoint).</summary>
internal sealed class InitStudentCommand : Command
{
    private readonly Option<string> teacher = new("--teacher") { Description = "teacher model directory (task model or plain encoder); the student gets its vocab.txt, and its head and labels if it has one", Required = true };
    private readonly Option<string> preset = new("--preset") { Description = $"random student of a TextBrewer shape: {string.Join(", ", StudentPresets.Names)}" };
    private readonly Option<string> layers = new("--layers") { Description = "copy these teacher layers, e.g. 0,1,2 (TextBrewer's FAQ: the first three for a 3-layer student) or 0,4,8; embeddings, pooler and head are copied too" };
    private readonly Option<string> arch = new("--arch") { Description = $"student architecture: {string.Join(", ", StudentRequest.Architectures)} (bigru: embeddings → bidirectional GRU → head, for a classification or tagging teacher)", DefaultValueFactory = _ => "bert" };
    private readonly Option<int?> hidden = new("--hidden") { Description = "with --layers: must equal the teacher's hidden size (copied layers keep their width); other widths: use --preset or --config. With --arch bigru: GRU size per direction (default half the teacher's hidden size)" };
    private readonly Option<int?> gruLayers = new("--gru-layers") { Description = $"with --arch bigru: bidirectional GRU layers (default {StudentRequest.DefaultGruLayers})" };
    private readonly Option<string> config = new("--config") { Description = "random student from this config.json (vocab_size must be that of the student's vocab.txt)" };
    private readonly Option<string> from = new("--from") { Description = "student with the architecture of this Hugging Face model directory, copying every weight whose name and shape match" };
    private readonly Option<string> vocab = new("--vocab") { Description = "the student's own vocab.txt (e.g. from build-vocab); embedding rows of tokens the teacher also has are copied from the teacher" };
    private readonly Option<string> output = new("--out") { Description = "student directory to create (must not exist or be empty); written whole or not at all", Required = true };
    private readonly Option<int> seed = new("--seed") { Description = "seed of the random init", DefaultValueFactory = _ => 42 };

    public InitStudentCommand() : base("init-student", "Create a student model directory from a teacher: --preset NAME | --layers 0,3 | --config FILE | --from DIR | --arch bigru")
    {
        foreach (var option in new Option[] { teacher, arch, preset, layers, hidden, gruLayers, config, from, vocab, output, seed })
        {
            Options.Add(option);
        }
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        TorchRuntime.Initialize(threads: 1);
        var report = StudentBuilder.Write(new StudentRequest
        {
            Teacher = parse.GetValue(teacher)!,
            Output = parse.GetValue(output)!,
            Arch = parse.GetValue(arch)!,
            GruLayers = parse.GetValue(gruLayers),
            Preset = parse.GetValue(preset),
            Layers = parse.GetValue(layers) is { } text ? StudentInit.ParseLayers(text) : null,
            Hidden = parse.GetValue(hidden),
            ConfigFile = parse.GetValue(config),
            From = parse.GetValue(from),
            Vocab = parse.GetValue(vocab),
            Seed = parse.GetValue(seed),
        });
        foreach (var line in report.Describe())
        {
            parse.InvocationConfiguration.Output.WriteLine($"init-student: {line}");
        }
        return ExitCodes.Success;
    }
}
