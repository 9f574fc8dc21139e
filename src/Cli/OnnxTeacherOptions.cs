using System.CommandLine;

namespace Distill.Cli;

/// <summary>
/// How an ONNX teacher's files and outputs are found, as options: declared once here for the commands that run
/// one (<c>cache-teacher run --onnx</c>, <c>distill --teacher model.onnx</c>).
/// </summary>
internal sealed class OnnxTeacherOptions
{
    public Option<string?> Config { get; } = new("--onnx-config") { Description = "ONNX teacher: its config.json (default: beside the .onnx file, as Optimum and export-onnx write it)" };
    public Option<string?> Vocab { get; } = new("--vocab") { Description = "ONNX teacher: its vocab.txt (default: beside the .onnx file)" };
    public Option<string[]> Outputs { get; } = new("--onnx-output") { Description = "ONNX teacher: KEY=OUTPUT_NAME, KEY one of logits, start_logits, end_logits, hidden.N, pooled (repeatable)", AllowMultipleArgumentsPerToken = true };
    public Option<bool> Cased { get; } = new("--cased") { Description = "ONNX teacher: the vocabulary is cased (when config.json has no do_lower_case)" };

    public IEnumerable<Option> All => [Config, Vocab, Outputs, Cased];
}
