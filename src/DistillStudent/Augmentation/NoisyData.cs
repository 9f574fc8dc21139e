using System.Text.Json;
using Distill.Data;
using Distill.IO;

namespace Distill.DistillStudent.Augmentation;

/// <summary>A classification data set and noisy copies of each example, written as one JSON Lines file to cache a
/// teacher over and distil on.</summary>
internal static class NoisyData
{
    /// <summary>Every example followed by its <paramref name="copies"/> noisy copies (ids <c>ID#noise1</c>, …).</summary>
    public static IReadOnlyList<ClassificationExample> Augment(IReadOnlyList<ClassificationExample> examples, WordNoise noise, int copies, int seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(noise);
        return examples.SelectMany((example, position) => noise.Copies(example, position, copies, seed).Prepend(example)).ToList();
    }

    /// <summary>Writes the examples as JSON Lines, atomically, under the field names <paramref name="fields"/> reads
    /// (the readers' defaults when null: <c>id</c>, <c>text</c>, <c>text_b</c> when present, <c>label</c>), so that
    /// the file reads back with the options its source was read with.</summary>
    public static void Write(string path, IEnumerable<ClassificationExample> examples, DataReadOptions? fields = null) => AtomicFile.Write(path, stream =>
    {
        fields ??= new DataReadOptions();
        using var writer = new Utf8JsonWriter(stream);
        var newline = "\n"u8.ToArray();
        foreach (var example in examples)
        {
            writer.WriteStartObject();
            writer.WriteString(fields.IdColumn, example.ExampleId);
            writer.WriteString(fields.TextColumn, example.TextA);
            if (example.TextB is not null) writer.WriteString(fields.TextBColumn, example.TextB);
            writer.WriteString(fields.LabelColumn, example.Label);
            writer.WriteEndObject();
            writer.Flush();
            stream.Write(newline);
            writer.Reset();
        }
    });
}
