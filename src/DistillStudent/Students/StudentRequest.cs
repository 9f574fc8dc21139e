using Distill.Models;
using Distill.Errors;
using Distill.Models.BiGru;

namespace Distill.DistillStudent.Students;

/// <summary>
/// What student to make from a teacher directory and where to write it. A BERT student has exactly one source of
/// weights: <see cref="Preset"/> or <see cref="ConfigFile"/> (random init), <see cref="Layers"/> (copied from those
/// teacher layers), or <see cref="From"/> (every name- and shape-matching key of another checkpoint). A BiGRU student
/// (<see cref="Arch"/>) has none of these: its shape is <see cref="Hidden"/> and <see cref="GruLayers"/>.
/// </summary>
internal sealed record StudentRequest
{
    public static readonly IReadOnlyList<string> Architectures = ["bert", BiGruConfig.Type];

    /// <summary>The student's architecture: bert (the teacher's kind of model) or bigru.</summary>
    public string Arch { get; init; } = "bert";

    public const int DefaultGruLayers = 2;

    /// <summary>With <see cref="Arch"/> bigru: the number of bidirectional GRU layers (default <see cref="DefaultGruLayers"/>).</summary>
    public int? GruLayers { get; init; }

    /// <summary>Teacher model directory: a task model (<c>bert.*</c> plus a head) or a plain encoder.</summary>
    public required string Teacher { get; init; }

    /// <summary>Directory to create; it must not exist or be empty, and appears only once complete.</summary>
    public required string Output { get; init; }

    /// <summary>A <see cref="StudentPresets"/> name; random init.</summary>
    public string? Preset { get; init; }

    /// <summary>Teacher layer per student layer (student layer i ← teacher layer Layers[i]).</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>
    /// With <see cref="Layers"/>: the student's hidden size, which must equal the teacher's, since a teacher
    /// layer fits only a student of its own width. A random student of another width is a preset or a config file.
    /// With <see cref="Arch"/> bigru: the GRU's hidden size per direction (default half the teacher's hidden size,
    /// so that a layer's output, both directions, has the teacher's width).
    /// </summary>
    public int? Hidden { get; init; }

    /// <summary>A student config.json; random init. Its vocab_size must be that of the student's vocab.txt (the teacher's, or <see cref="Vocab"/>).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>A Hugging Face model directory whose architecture the student takes and whose matching weights it copies.</summary>
    public string? From { get; init; }

    /// <summary>
    /// The student's own vocab.txt (e.g. from <c>build-vocab</c>) instead of the teacher's: vocab_size and
    /// pad_token_id follow it, and the word-embedding rows of tokens the teacher also has are the teacher's.
    /// </summary>
    public string? Vocab { get; init; }

    /// <summary>Seed of the random init (everything not copied).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws a <see cref="ConfigException"/> unless exactly one source is given and <see cref="Hidden"/> comes with <see cref="Layers"/>.</summary>
    public void Validate()
    {
        if (!Architectures.Contains(Arch))
        {
            throw new ConfigException($"--arch \"{Arch}\" is not known; known: {string.Join(", ", Architectures)}");
        }
        if (Arch == BiGruConfig.Type)
        {
            ValidateBiGru();
            return;
        }
        var given = GivenSources();
        if (given.Count != 1)
        {
            var found = given.Count == 0 ? "none" : string.Join(" and ", given);
            throw new ConfigException($"choose exactly one of --preset, --layers, --config, --from (found {found})");
        }
        if (GruLayers is not null) throw new ConfigException("--gru-layers goes with --arch bigru only");
        if (Hidden is not null && Layers is null)
        {
            throw new ConfigException("--hidden goes with --layers or --arch bigru only; a preset or config file sets its own hidden size");
        }
    }

    private void ValidateBiGru()
    {
        var given = GivenSources();
        if (given.Count > 0)
        {
            throw new ConfigException($"--arch bigru takes its shape from --hidden and --gru-layers, not {string.Join(" or ", given)}");
        }
        if (Hidden is <= 0) throw new ConfigException($"--hidden must be positive, found {Hidden}");
        if (GruLayers is <= 0) throw new ConfigException($"--gru-layers must be positive, found {GruLayers}");
    }

    private List<string> GivenSources() => new (string Option, bool Given)[]
    {
        ("--preset", Preset is not null), ("--layers", Layers is not null), ("--config", ConfigFile is not null), ("--from", From is not null),
    }.Where(s => s.Given).Select(s => s.Option).ToList();
}
