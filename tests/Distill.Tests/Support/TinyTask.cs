using Distill.Models;

namespace Distill.Tests.Support;

/// <summary>A tiny vocabulary, a tiny random encoder and a tiny sentiment data set, written into a directory.</summary>
internal static class TinyTask
{
    public static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "movie", "film", "plot", "was", "is", "very", "good", "great",
        "fun", "bad", "awful", "boring", "acting", "music", ".", "!",
    ];

    private static readonly string[] Positive = ["good", "great", "fun"];
    private static readonly string[] Negative = ["bad", "awful", "boring"];
    private static readonly string[] Subjects = ["the movie", "the film", "the plot", "the acting", "the music"];

    /// <summary>Writes DIR/encoder (config, weights, vocab), DIR/train.jsonl and DIR/dev.jsonl; returns the encoder directory.</summary>
    public static string Write(string directory, int trainCount = 24, int devCount = 8)
    {
        var vocab = Path.Combine(directory, "vocab.txt");
        File.WriteAllLines(vocab, Vocabulary);
        var encoderDir = Path.Combine(directory, "encoder");
        using (var encoder = TinyBert.Create(seed: 11))
        {
            ModelDirectory.Save(encoderDir, encoder, vocab);
        }
        File.WriteAllLines(Path.Combine(directory, "train.jsonl"), Sentences(trainCount, 0));
        File.WriteAllLines(Path.Combine(directory, "dev.jsonl"), Sentences(devCount, 1));
        return encoderDir;
    }

    private static IEnumerable<string> Sentences(int count, int shift)
    {
        for (var i = 0; i < count; i++)
        {
            var positive = (i + shift) % 2 == 0;
            var word = (positive ? Positive : Negative)[i % 3];
            var subject = Subjects[(i + shift) % Subjects.Length];
            var ending = i % 4 == 0 ? " !" : " .";
            yield return $$"""{"text":"{{subject}} was very {{word}}{{ending}}","label":"{{(positive ? "pos" : "neg")}}"}""";
        }
    }
}
