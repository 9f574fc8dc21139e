using Distill.Models;
using Distill.Tokenization;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Augmentation;

/// <summary>
/// Replacement words for TinyBERT-style augmentation where no masked language model head is at hand: a word that is
/// one whole token of the teacher's vocabulary may become one of the <c>K</c> tokens nearest to it by the cosine of
/// the teacher's input word embeddings (TinyBERT asks a BERT MLM for single-piece words and takes GloVe neighbours
/// for the others; a fine-tuned encoder directory has neither, but its embedding table places words near words used
/// alike). Only letters-only tokens are words here, as candidates and as words to replace: pieces (<c>##</c>),
/// punctuation, digits and special tokens stay, so the sentence keeps its shape. The teacher labels the new text
/// through the cache, so a replacement that changes the meaning costs nothing but a less typical example.
/// </summary>
internal sealed class WordNeighbours
{
    public WordNeighbours(IReadOnlyDictionary<string, IReadOnlyList<string>> candidates, double probability, bool lowerCase)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (probability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(probability), $"word replacement: expected 0 <= probability <= 1, found {probability}");
        }
        Candidates = candidates;
        Probability = probability;
        LowerCase = lowerCase;
    }

    /// <summary>Each replaceable word (as the vocabulary spells it) and its nearest words, nearest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Candidates { get; }

    /// <summary>Chance that a word with candidates is replaced (TinyBERT: 0.4).</summary>
    public double Probability { get; }

    /// <summary>Whether words are lower-cased before the lookup, as the teacher's tokenizer does.</summary>
    public bool LowerCase { get; }

    /// <summary>
    /// Candidates for the words of <paramref name="texts"/> from a model directory's vocabulary and word embeddings.
    /// </summary>
    /// <param name="modelDirectory">config.json, vocab.txt and safetensors weights (a fine-tuned run's <c>best/</c>, an imported encoder)</param>
    /// <param name="texts">the texts whose words may be replaced; only their words are looked up</param>
    /// <param name="count">candidates per word (TinyBERT: 15)</param>
    /// <param name="probability">chance of replacing a word that has candidates</param>
    public static WordNeighbours FromModel(string modelDirectory, IEnumerable<string> texts, int count, double probability)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var lowerCase = ModelDirectory.DoLowerCase(modelDirectory) ?? true;
        var tokens = VocabularyFile.Read(ModelDirectory.RequireFile(modelDirectory, ModelDirectory.VocabFile));
        var words = texts.SelectMany(text => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(word => lowerCase ? word.ToLowerInvariant() : word);
        var candidates = StateDictFile.Read(ModelDirectory.RequireWeights(modelDirectory), weights =>
        {
            var embeddings = weights.Where(kv => kv.Key.EndsWith(Students.StudentVocabulary.WordEmbeddingsKey, StringComparison.Ordinal)).ToList();
            if (embeddings.Count != 1)
            {
                throw new Errors.ConfigException($"{modelDirectory}: expected one word-embedding tensor named *{Students.StudentVocabulary.WordEmbeddingsKey} in its weights, found {embeddings.Count}");
            }
            return Nearest(embeddings[0].Value, tokens, words, count);
        });
        return new WordNeighbours(candidates, probability, lowerCase);
    }

    /// <summary>
    /// The <paramref name="count"/> word tokens nearest to each word of <paramref name="words"/> that is itself a word
    /// token, by cosine similarity of the rows of <paramref name="embeddings"/> (row i is token i; rows past the
    /// vocabulary's end are unused ids and never candidates).
    /// </summary>
    internal static Dictionary<string, IReadOnlyList<string>> Nearest(Tensor embeddings, IReadOnlyList<string> tokens, IEnumerable<string> words, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var candidateIds = new List<long>();
        for (var id = 0; id < Math.Min(tokens.Count, embeddings.shape[0]); id++)
        {
            if (!IsWord(tokens[id]) || !ids.TryAdd(tokens[id], id)) continue;
            candidateIds.Add(id);
        }
        var queries = words.Distinct(StringComparer.Ordinal).Where(ids.ContainsKey).Order(StringComparer.Ordinal).ToList();
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var take = Math.Min(count, candidateIds.Count - 1);
        if (queries.Count == 0 || take <= 0) return result;

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var unit = nn.functional.normalize(embeddings.to(ScalarType.Float32), dim: 1);
        var candidates = unit.index_select(0, tensor(candidateIds.ToArray()));
        var candidateTokens = candidateIds.Select(id => tokens[(int)id]).ToArray();
        // Chunks bound the similarity matrix (queries × candidates) to a few hundred megabytes at BERT's vocabulary.
        foreach (var chunk in queries.Chunk(2048))
        {
            var rows = unit.index_select(0, tensor(chunk.Select(word => ids[word]).ToArray()));
            var similarity = rows.matmul(candidates.t());
            // The word itself is its own nearest; one more than asked leaves room to drop it.
            var nearest = similarity.topk(take + 1, dim: 1, largest: true, sorted: true).indexes.data<long>().ToArray();
            for (var q = 0; q < chunk.Length; q++)
            {
                result[chunk[q]] = nearest.Skip(q * (take + 1)).Take(take + 1)
                    .Select(index => candidateTokens[index]).Where(token => token != chunk[q]).Take(take).ToArray();
            }
        }
        return result;
    }

    /// <summary>A replacement for <paramref name="word"/>, or the word itself: one draw decides whether, a second which candidate.</summary>
    public string Replace(string word, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var key = LowerCase ? word.ToLowerInvariant() : word;
        if (random.NextDouble() >= Probability || !Candidates.TryGetValue(key, out var candidates) || candidates.Count == 0) return word;
        return candidates[random.Next(candidates.Count)];
    }

    private static bool IsWord(string token) => token.Length > 0 && token.All(char.IsLetter);
}
