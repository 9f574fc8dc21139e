using Distill.Models;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Tasks;

namespace Distill.DistillStudent.Students;

/// <summary>A teacher directory loaded for making a student: its module, weights by name, head kind and labels.</summary>
internal sealed class TeacherCheckpoint : IDisposable
{
    private readonly nn.Module module;

    private TeacherCheckpoint(string directory, nn.Module module, BertModel encoder, TaskKind? kind, IReadOnlyList<string> labels)
    {
        Directory = directory;
        this.module = module;
        Config = encoder.Config;
        HasPooler = encoder.HasPooler;
        Kind = kind;
        Labels = labels;
        Weights = StateDict.Of(module);
        Parameters = module.parameters().Sum(p => p.numel());
        VocabPath = Path.Combine(directory, ModelDirectory.VocabFile);
    }

    public string Directory { get; }
    public BertConfig Config { get; }
    public bool HasPooler { get; }
    public TaskKind? Kind { get; }
    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyDictionary<string, Tensor> Weights { get; }
    public long Parameters { get; }
    public string VocabPath { get; }

    /// <summary>
    /// Reads the head kind from config.json's <c>architectures</c> (as transformers does), so a trained head loads
    /// with its labels; any other architecture loads as a plain encoder.
    /// </summary>
    public static TeacherCheckpoint Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        var vocab = Path.Combine(full, ModelDirectory.VocabFile);
        if (!File.Exists(vocab))
        {
            throw new FileNotFoundException($"{full}: the teacher has no {ModelDirectory.VocabFile}; the student shares the teacher's vocabulary", vocab);
        }
        var loaded = LoadedModel.Load(full);
        try
        {
            // The student inherits this vocabulary: a damaged one is refused here, before a student directory is written.
            VocabularyFile.Read(vocab, loaded.Encoder.Config.VocabSize);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
        return new TeacherCheckpoint(full, loaded.Module, loaded.Encoder, loaded.Kind, loaded.Labels);
    }

    public void Dispose() => module.Dispose();
}
