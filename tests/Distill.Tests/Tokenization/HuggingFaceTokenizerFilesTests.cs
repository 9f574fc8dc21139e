using System.Text.Json.Nodes;
using Distill.Models;
using Distill.Tests.Features;
using Distill.Tests.Support;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.Tests.Tokenization;

/// <summary>The tokenizer files' fields against <see cref="TinyVocabulary"/> ([PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, no [MASK]).</summary>
public sealed class HuggingFaceTokenizerFilesTests
{
    private static Dictionary<string, JsonNode> Files(string vocabPath, bool lowerCase, int maxLength) =>
        HuggingFaceTokenizerFiles.Create(vocabPath, new WordPieceOptions { LowerCase = lowerCase }, maxLength).ToDictionary(f => f.Name, f => JsonNode.Parse(f.Json)!);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Create_TinyVocabulary_VocabularySpecialsNormalizationAndLength(bool lowerCase)
    {
        using var dir = new TemporaryDirectory();
        var vocab = dir.File("vocab.txt");
        File.WriteAllLines(vocab, TinyVocabulary.Lines);

        var files = Files(vocab, lowerCase, maxLength: 40);

        Assert.Equal(["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"], files.Keys);
        var tokenizer = files["tokenizer.json"];
        var model = tokenizer["model"]!;
        Assert.Equal(TinyVocabulary.Lines.Length, model["vocab"]!.AsObject().Count);
        Assert.All(TinyVocabulary.Lines, (token, id) => Assert.Equal(id, (int)model["vocab"]![token]!));
        Assert.Equal(("WordPiece", "[UNK]", "##", 100), ((string)model["type"]!, (string)model["unk_token"]!, (string)model["continuing_subword_prefix"]!, (int)model["max_input_chars_per_word"]!));
        var normalizer = tokenizer["normalizer"]!;
        Assert.Equal((lowerCase, lowerCase, true, true), ((bool)normalizer["lowercase"]!, (bool)normalizer["strip_accents"]!, (bool)normalizer["clean_text"]!, (bool)normalizer["handle_chinese_chars"]!));
        Assert.Equal(40, (int)tokenizer["truncation"]!["max_length"]!);
        Assert.Equal(0, (int)tokenizer["padding"]!["pad_id"]!);
        var specials = tokenizer["post_processor"]!["special_tokens"]!;
        Assert.Equal((2, 3), ((int)specials["[CLS]"]!["ids"]![0]!, (int)specials["[SEP]"]!["ids"]![0]!));
        Assert.Equal([("[PAD]", 0), ("[UNK]", 1), ("[CLS]", 2), ("[SEP]", 3)], tokenizer["added_tokens"]!.AsArray().Select(t => ((string)t!["content"]!, (int)t["id"]!)));
        var config = files["tokenizer_config.json"];
        Assert.Equal((lowerCase, 40, "BertTokenizer"), ((bool)config["do_lower_case"]!, (int)config["model_max_length"]!, (string)config["tokenizer_class"]!));
        // No [MASK] in this vocabulary, so no mask_token is declared.
        Assert.Equal(["pad_token", "unk_token", "cls_token", "sep_token"], files["special_tokens_map.json"].AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Create_VocabularyWithoutUnk_FailsNamingFileAndToken()
    {
        using var dir = new TemporaryDirectory();
        var vocab = dir.File("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[CLS]", "[SEP]", "the"]);

        var error = Assert.Throws<ConfigException>(() => Files(vocab, lowerCase: true, maxLength: 8));

        Assert.Equal($"{vocab}: the vocabulary has no [UNK] token, which a BERT tokenizer needs", error.Message);
    }
}
