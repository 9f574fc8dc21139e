using Distill.Inference;
using Distill.Models;
using Distill.Tests.Support;
using Onnx;
using Distill.Tasks;

namespace Distill.Tests.Inference;

public sealed class OnnxStudentTests
{
    private static readonly OnnxStudentOptions Cpu = new() { PreferCuda = false };

    [Theory]
    // Σ E over [CLS] the cat [SEP] = (0.5 + 1, 2): pos with 1 / (1 + e^-0.5).
    [InlineData("the cat", "pos", 0.6224593)]
    // (0.5 + 1 + 1, 0): neg with 1 / (1 + e^-2.5).
    [InlineData("The the", "neg", 0.9241418)]
    // play + ##ing: (0.5 + 0.5, 1): a tie, and the first label wins.
    [InlineData("playing", "neg", 0.5)]
    public void Classify_TinyClassifier_GivesHandComputedLabelAndProbability(string text, string label, double probability)
    {
        using var dir = new TemporaryDirectory();
        using var student = OnnxStudent.Load(TinyStudents.Classifier(dir.Path), Cpu);

        var prediction = student.Classify(text);

        Assert.Equal(label, prediction.Label);
        Assert.Equal(probability, prediction.Probabilities[prediction.Index], 6);
        Assert.Equal(1.0, prediction.Probabilities.Sum(), 12);
    }

    [Fact]
    public void Logits_BatchOfMixedLengths_EqualsEachInputAlone()
    {
        using var dir = new TemporaryDirectory();
        using var student = OnnxStudent.Load(TinyStudents.Classifier(dir.Path), Cpu);
        var texts = new[] { "the cat the cat playing", "cat", "the", "playing the" }.Select(t => student.Tokenizer.Encode(t)).ToList();

        var batched = student.Logits(texts, batchSize: 3);
        var alone = texts.Select(t => student.Logits([t])[0]).ToList();

        Assert.Equal(alone, batched);
        Assert.Equal([0.5f + 2 * 1 + 0.5f, 2 * 2 + 1], batched[0]);
    }

    [Fact]
    public void Tag_TinyTagger_TakesEachWordsTagFromItsFirstPiece()
    {
        using var dir = new TemporaryDirectory();
        using var student = OnnxStudent.Load(TinyStudents.Tagger(dir.Path), Cpu);

        // "playing" = play (I-X) + ##ing (B-X): the word takes its first piece's tag.
        Assert.Equal(["O", "B-X", "I-X"], student.Tag(["the", "cat", "playing"]));
    }

    [Fact]
    public void Answer_TinyQa_GivesTheBestSpanWithItsText()
    {
        using var dir = new TemporaryDirectory();
        using var student = OnnxStudent.Load(TinyStudents.QuestionAnswerer(dir.Path), Cpu);

        var answer = student.Answer("where is the cafe ?", "the cafe in paris .");

        Assert.Equal(("cafe in paris", 4, 17, 10f), (answer.Text, answer.Start, answer.End, answer.Score));
    }

    [Fact]
    public void Load_ModelWithoutInputIds_NamesTheMissingInput()
    {
        using var dir = new TemporaryDirectory();
        var path = TinyStudents.Classifier(dir.Path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Input[0].Name = "ids";
        model.Graph.Node[0].Input[1] = "ids";
        TinyOnnx.Save(path, model.Graph, TinyStudents.Metadata(TaskKind.Classification, TinyStudents.ClassLabels));

        var error = Assert.Throws<OnnxModelException>(() => OnnxStudent.Load(path, Cpu));

        Assert.Equal($"{path}: no input \"input_ids\" (expected input_ids, attention_mask and optionally token_type_ids; found ids, attention_mask, token_type_ids)", error.Message);
    }

    [Fact]
    public void Load_ModelWithoutTaskMetadata_SaysHowToExportIt()
    {
        using var dir = new TemporaryDirectory();
        var path = TinyStudents.Classifier(dir.Path, metadata: new Dictionary<string, string>());

        var error = Assert.Throws<OnnxModelException>(() => OnnxStudent.Load(path, Cpu));

        Assert.StartsWith($"{path}: metadata \"task\": expected one of classification, tagging, qa", error.Message);
    }

    [Fact]
    public void Load_PreferCudaWithoutGpu_LogsOneLineNamingTheProvider()
    {
        using var dir = new TemporaryDirectory();
        var lines = new List<string>();

        using var student = OnnxStudent.Load(TinyStudents.Classifier(dir.Path), new OnnxStudentOptions { Log = lines.Add });

        var line = Assert.Single(lines);
        Assert.StartsWith($"onnxruntime: {student.Provider} provider, 1 thread(s) (", line);
    }
}
