using Distill.Cli;
using Distill.Data;
using Distill.DistillStudent;
using Distill.DistillStudent.Augmentation;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Augmentation;

public sealed class WordNeighboursTests
{
    // Two dimensions, so each cosine is read off by hand. From good (1, 0): great (2, 0.2) 0.995, fine (1, 0.5) 0.894,
    // the (0, 1) 0, bad (-1, 0) -1. ##ly and "," lie nearer still but are a piece and punctuation; the last row has
    // no token (an unused id past the vocabulary) and lies nearest of all.
    private static readonly string[] Tokens = ["[PAD]", "good", "great", "bad", "##ly", "the", ",", "fine"];
    private static readonly float[] Rows = [1, 0, 1, 0, 2, 0.2f, -1, 0, 1, 0.01f, 0, 1, 1, 0, 1, 0.5f, 1, 0.001f];

    private static Dictionary<string, IReadOnlyList<string>> Nearest(IEnumerable<string> words, int count)
    {
        using var embeddings = tensor(Rows).reshape(9, 2);
        return WordNeighbours.Nearest(embeddings, Tokens, words, count);
    }

    [Fact]
    public void Nearest_HandMadeEmbeddings_WordTokensByCosineNearestFirst()
    {
        var nearest = Nearest(["good", "bad", "good"], count: 2);

        Assert.Equal(["great", "fine"], nearest["good"]);
        Assert.Equal(["the", "fine"], nearest["bad"]); // cosines 0 and -0.894, above great's -0.995
        Assert.Equal(2, nearest.Count);
    }

    [Fact]
    public void Nearest_PiecesPunctuationAndUnknownWords_NotLookedUp()
    {
        var nearest = Nearest(["##ly", ",", "movie", "[PAD]"], count: 3);

        Assert.Empty(nearest);
    }

    [Fact]
    public void Nearest_MoreAskedThanThereAreWords_EveryOtherWord()
    {
        var nearest = Nearest(["the"], count: 15);

        // From the (0, 1): fine 0.447, great 0.0995, good 0, bad 0.
        Assert.Equal(["fine", "great"], nearest["the"].Take(2));
        Assert.Equal(["bad", "fine", "good", "great"], nearest["the"].Order());
    }

    [Fact]
    public void Replace_ProbabilityOneOrZero_ACandidateOrTheWord()
    {
        var candidates = new Dictionary<string, IReadOnlyList<string>> { ["good"] = ["great", "fine"] };
        var always = new WordNeighbours(candidates, probability: 1, lowerCase: true);
        var never = new WordNeighbours(candidates, probability: 0, lowerCase: true);
        var random = new Random(3);

        var drawn = Enumerable.Range(0, 50).Select(_ => always.Replace("Good", random)).ToHashSet();

        Assert.Equal(["fine", "great"], drawn.Order());
        Assert.Equal("movie", always.Replace("movie", random));
        Assert.Equal("Good", never.Replace("Good", random));
    }

    [Fact]
    public void WordNoise_WithReplacement_ReplacesBeforeDropAndSwap()
    {
        var replacement = new WordNeighbours(new Dictionary<string, IReadOnlyList<string>> { ["good"] = ["great"] }, 1, lowerCase: true);
        var example = new ClassificationExample("x:2", "a good film", null, "1");

        var copy = Assert.Single(new WordNoise(0, 1, replacement).Copies(example, position: 0, copies: 1, seed: 7));

        Assert.Equal("great film a", copy.TextA); // a great film, then every word swapped rightwards
    }

    [Fact]
    public void AugmentCommand_NeighboursOfARealEncoderDirectory_EveryWordReplacedPunctuationKept()
    {
        using var dir = new TemporaryDirectory();
        var encoder = TinyTask.Write(dir.Path, trainCount: 6);
        var output = Path.Combine(dir.Path, "noisy.jsonl");
        var words = TinyTask.Vocabulary.Where(t => t.All(char.IsLetter)).ToHashSet();

        var run = CliRun.Invoke(DistillStudentCli.Create(), "augment", "--data", Path.Combine(dir.Path, "train.jsonl"),
            "--neighbours", encoder, "--replace", "1", "--candidates", "3", "--copies", "2", "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("distinct words of the data have neighbours", run.Output);
        var read = ClassificationReader.Read(output, new DataReadOptions()).Examples;
        Assert.Equal(18, read.Count);
        foreach (var (source, copy) in read.Chunk(3).SelectMany(group => group.Skip(1).Select(copy => (group[0], copy))))
        {
            var before = source.TextA.Split(' ');
            var after = copy.TextA.Split(' ');
            Assert.Equal(before.Length, after.Length); // no drop or swap by default with --neighbours
            Assert.All(before.Zip(after), pair =>
            {
                if (words.Contains(pair.First)) Assert.True(pair.Second != pair.First && words.Contains(pair.Second), $"{pair.First} → {pair.Second}");
                else Assert.Equal(pair.First, pair.Second);
            });
        }
    }

    [Fact]
    public void AugmentCommand_NeighboursOfADirectoryWithoutWeights_FailsNamingTheFile()
    {
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path, trainCount: 2);
        var output = Path.Combine(dir.Path, "noisy.jsonl");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "augment", "--data", Path.Combine(dir.Path, "train.jsonl"),
            "--neighbours", dir.Path, "--out", output);

        Assert.NotEqual(ExitCodes.Success, run.ExitCode);
        Assert.Contains("is not a model directory", run.Error);
        Assert.False(File.Exists(output));
    }
}
