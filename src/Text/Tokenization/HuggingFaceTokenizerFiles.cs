using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Errors;

namespace Distill.Tokenization;

/// <summary>
/// The Hugging Face tokenizer files of a <see cref="WordPieceEncoder"/> set-up, so that clients which do not read a
/// bare <c>vocab.txt</c> (transformers.js, Optimum, <c>tokenizers</c>' <c>Tokenizer.from_file</c>) tokenize as we do:
/// <c>tokenizer.json</c> (BertNormalizer, BertPreTokenizer, WordPiece with the whole vocabulary, a BERT
/// TemplateProcessing post-processor, truncation to the model's length, padding to the longest in a batch),
/// <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>.
/// </summary>
internal static class HuggingFaceTokenizerFiles
{
    public const string TokenizerFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";

    /// <summary>BERT's special tokens by their Hugging Face role, in vocab.txt's usual order.</summary>
    private static readonly (string Role, string Token)[] Specials =
        [("pad_token", "[PAD]"), ("unk_token", WordPieceEncoder.UnknownToken), ("cls_token", "[CLS]"), ("sep_token", "[SEP]"), ("mask_token", "[MASK]")];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The three files (name, JSON text) for the vocabulary at <paramref name="vocabPath"/>.</summary>
    /// <param name="vocabPath">vocab.txt: one token per line, the line number is the id</param>
    /// <param name="options">the normalization the model was trained with</param>
    /// <param name="maxLength">inputs are truncated to this many tokens, specials included (the model's max_seq_length)</param>
    /// <exception cref="ConfigException">The vocabulary lacks [PAD], [UNK], [CLS] or [SEP]; the message names the file and token.</exception>
    public static IReadOnlyList<(string Name, string Json)> Create(string vocabPath, WordPieceOptions options, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        var vocab = new Dictionary<string, int>();
        var line = 0;
        foreach (var token in File.ReadLines(vocabPath)) vocab.TryAdd(token, line++);
        var specials = Specials.Where(s => vocab.ContainsKey(s.Token)).ToList();
        foreach (var required in new[] { "[PAD]", WordPieceEncoder.UnknownToken, "[CLS]", "[SEP]" })
        {
            if (!vocab.ContainsKey(required)) throw new ConfigException($"{vocabPath}: the vocabulary has no {required} token, which a BERT tokenizer needs");
        }
        return
        [
            (TokenizerFile, TokenizerJson(vocab, specials, options, maxLength).ToJsonString(Indented)),
            (TokenizerConfigFile, TokenizerConfig(specials, options, maxLength).ToJsonString(Indented)),
            (SpecialTokensMapFile, new JsonObject(specials.Select(s => KeyValuePair.Create(s.Role, (JsonNode?)s.Token))).ToJsonString(Indented)),
        ];
    }

    private static JsonObject TokenizerJson(Dictionary<string, int> vocab, List<(string Role, string Token)> specials, WordPieceOptions options, int maxLength)
    {
        int cls = vocab["[CLS]"], sep = vocab["[SEP]"], pad = vocab["[PAD]"];
        JsonObject Special(string token, int type) => new() { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = type } };
        JsonObject Sequence(string id, int type) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = type } };
        JsonObject SpecialIds(string token, int id) => new() { ["id"] = token, ["ids"] = new JsonArray(id), ["tokens"] = new JsonArray(token) };
        var model = new JsonObject
        {
            ["type"] = "WordPiece",
            ["unk_token"] = WordPieceEncoder.UnknownToken,
            ["continuing_subword_prefix"] = WordPieceEncoder.ContinuingSubwordPrefix,
            ["max_input_chars_per_word"] = WordPieceEncoder.MaxInputCharsPerWord,
            ["vocab"] = new JsonObject(vocab.OrderBy(kv => kv.Value).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = new JsonObject { ["direction"] = "Right", ["max_length"] = maxLength, ["strategy"] = "LongestFirst", ["stride"] = 0 },
            ["padding"] = new JsonObject
            {
                ["strategy"] = "BatchLongest", ["direction"] = "Right", ["pad_to_multiple_of"] = null,
                ["pad_id"] = pad, ["pad_type_id"] = 0, ["pad_token"] = "[PAD]",
            },
            ["added_tokens"] = new JsonArray(specials.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = vocab[s.Token], ["content"] = s.Token, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            // clean_text and handle_chinese_chars are what our BertPreTokenizer always does (BERT's BasicTokenizer).
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true,
                ["strip_accents"] = options.StripsAccents, ["lowercase"] = options.LowerCase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(Special("[CLS]", 0), Sequence("A", 0), Special("[SEP]", 0)),
                ["pair"] = new JsonArray(Special("[CLS]", 0), Sequence("A", 0), Special("[SEP]", 0), Sequence("B", 1), Special("[SEP]", 1)),
                ["special_tokens"] = new JsonObject { ["[CLS]"] = SpecialIds("[CLS]", cls), ["[SEP]"] = SpecialIds("[SEP]", sep) },
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = WordPieceEncoder.ContinuingSubwordPrefix, ["cleanup"] = true },
            ["model"] = model,
        };
    }

    private static JsonObject TokenizerConfig(List<(string Role, string Token)> specials, WordPieceOptions options, int maxLength)
    {
        var config = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = options.LowerCase,
            ["strip_accents"] = options.StripsAccents,
            ["tokenize_chinese_chars"] = true,
            ["model_max_length"] = maxLength,
            ["clean_up_tokenization_spaces"] = true,
        };
        foreach (var (role, token) in specials) config[role] = token;
        return config;
    }
}
