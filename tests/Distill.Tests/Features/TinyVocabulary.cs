using Distill.Tests.Support;
using Distill.Tokenization;

namespace Distill.Tests.Features;

/// <summary>
/// A hand-written uncased vocabulary, so expected ids and positions can be worked out by hand. Ids are the line
/// numbers: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, then the words and pieces below in order.
/// </summary>
internal sealed class TinyVocabulary : IDisposable
{
    public static readonly string[] Lines =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]",
        "the", "cat", "play", "##ing", "un", "##believ", "##able", // 4..10
        "who", "is", "?", "where", "cafe", "in", "paris", ".", // 11..18
        "a", "b", "c", "d", "e", "f", "g", "h", // 19..26
    ];

    private readonly TemporaryDirectory directory = new();

    public TinyVocabulary()
    {
        var path = directory.File("vocab.txt");
        File.WriteAllLines(path, Lines);
        Encoder = WordPieceEncoder.FromVocabFile(path, new WordPieceOptions { LowerCase = true });
    }

    public WordPieceEncoder Encoder { get; }

    public static int Id(string token)
    {
        var id = Array.IndexOf(Lines, token);
        return id >= 0 ? id : throw new ArgumentException($"{token} is not in the test vocabulary", nameof(token));
    }

    public void Dispose() => directory.Dispose();
}
