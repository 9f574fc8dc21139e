using Distill.Models;

namespace Distill.DistillStudent.Students;

/// <summary>
/// What student to make from a teacher directory and where to write it. Exactly one source of weights:
/// <see cref="Preset"/> or <see cref="ConfigFile"/> (random init), <see cref="Layers"/> (copied from those teacher
/// layers), or <see cref="From"/> (every name- and shape-matching key of another checkpoint).
/// </summary>
public sealed record StudentRequest
{
    /// <summary>Teacher model directory: a task model (<c>bert.*</c> plus a head) or a plain encoder.</summary>
    public required string Teacher { get; init; }

    /// <summary>Directory to create; it must not exist or be empty, and appears only once complete.</summary>
    public required string Output { get; init; }

    /// <summary>A <see cref="StudentPresets"/> name; random init.</summary>
    public string? Preset { get; init; }

    /// <summary>Teacher layer per student layer (student layer i ← teacher layer Layers[i]).</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>
    /// With <see cref="Layers"/> only: the student's hidden size, which must equal the teacher's, since a teacher
    /// layer fits only a student of its own width. A random student of another width is a preset or a config file.
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
        var sources = new (string Option, bool Given)[]
        {
            ("--preset", Preset is not null), ("--layers", Layers is not null), ("--config", ConfigFile is not null), ("--from", From is not null),
        };
        var given = sources.Where(s => s.Given).Select(s => s.Option).ToList();
        if (given.Count != 1)
        {
            var found = given.Count == 0 ? "none" : string.Join(" and ", given);
            throw new ConfigException($"choose exactly one of --preset, --layers, --config, --from (found {found})");
        }
        if (Hidden is not null && Layers is null)
        {
            throw new ConfigException("--hidden goes with --layers only; a preset or config file sets its own hidden size");
        }
    }
}
