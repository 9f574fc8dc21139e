using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Errors;
using Distill.Models;
using Distill.Tasks;
using Distill.Tests.Support;
using Distill.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// An online teacher that takes inputs of its own (TextBrewer lets each model take its own): the same examples
/// tokenized by the teacher word by word (max length 3, so it reads the first word only) and by the student
/// character by character (max length 16). The feed builds the teacher's batch beside the student's and the distiller
/// pairs their classification logits row by row.
/// </summary>
public sealed class OwnInputsTeacherTests
{
    private static readonly string[] Texts = ["red fox", "blue owl", "green ant", "black cat", "white dog", "brown bee", "pink pig", "gray elk"];
    private const string Specials = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";

    /// <summary>Mean of a fixed or trained embedding of each real token into 2 logits: a bag of tokens over its own vocabulary.</summary>
    private sealed class BagClassifier : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Embedding embeddings;

        public BagClassifier(int vocab, bool trainable) : base(nameof(BagClassifier))
        {
            embeddings = nn.Embedding(vocab, 2);
            if (!trainable) embeddings.weight!.requires_grad = false;
            RegisterComponents();
        }

        public override Tensor forward(Tensor ids, Tensor mask)
        {
            var m = mask.unsqueeze(-1).to(ScalarType.Float32); // (B, T, 1)
            return (embeddings.call(ids) * m).sum(1) / m.sum(1); // (B, 2)
        }
    }

    private static AdaptedModel Adapted(BagClassifier model) => new(model, batch => model.call(batch[Batch.InputIds], batch[Batch.AttentionMask]),
        (batch, output) => new AdaptorOutput(Logits: (Tensor)output, InputMask: batch[Batch.AttentionMask]));

    private sealed record Side(WordPieceEncoder Tokenizer, IReadOnlyList<TrainingFeature> Features);

    private static (Side Teacher, Side Student) Tokenized(TemporaryDirectory dir)
    {
        var words = Texts.SelectMany(t => t.Split(' ')).Distinct().ToList();
        var letters = Enumerable.Range('a', 26).Select(c => ((char)c).ToString()).ToList();
        var teacher = WordPieceEncoder.FromVocabFile(dir.Write("teacher.txt", Specials + string.Join("\n", words) + "\n"));
        var student = WordPieceEncoder.FromVocabFile(dir.Write("student.txt", Specials + string.Join("\n", letters.Concat(letters.Select(l => "##" + l))) + "\n"));
        List<TrainingFeature> Features(WordPieceEncoder tokenizer, int maxLength) =>
            Texts.Select((text, i) => new TrainingFeature($"e{i}", $"e{i}-0", tokenizer.Encode(text, maxLength: maxLength), [i % 2])).ToList();
        return (new Side(teacher, Features(teacher, maxLength: 3)), new Side(student, Features(student, maxLength: 16)));
    }

    [Fact]
    public void Teach_TeacherWithOwnTokenizer_EachRowIsTheTeachersOutputOnItsOwnTokensOfTheSameExample()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        using var scope = NewDisposeScope();
        var (teacher, student) = Tokenized(dir);
        manual_seed(1);
        using var teacherModel = new BagClassifier(teacher.Tokenizer.VocabSize, trainable: false);
        var online = new OnlineTeacher(Adapted(teacherModel), inputs: 0);
        var feed = new TaskDataFeed(student.Features, TaskKind.Classification, student.Tokenizer.PadId, batchSize: 3, seed: 5,
            [new TeacherFeatures(teacher.Features, teacher.Tokenizer.PadId)]);

        var rows = 0;
        foreach (var batch in feed.Epoch(0, 0))
        {
            using (batch)
            {
                var logits = online.Teach(batch).Single().Logits!;
                Assert.Equal(3L, batch.InputsFor(0)[Batch.InputIds].shape[1]); // the teacher's max length, not the student's
                for (var r = 0; r < batch.Size; r++)
                {
                    var example = int.Parse(batch.FeatureIds[r][1..^2], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(student.Features[example].Text.Ids.Select(i => (long)i), batch[Batch.InputIds][r].data<long>().ToArray().Take(student.Features[example].Text.Length));
                    var alone = TeacherAlone(teacherModel, teacher.Features[example]);
                    var taught = logits[r].data<float>().ToArray();
                    Assert.True(alone.Zip(taught).All(p => Math.Abs(p.First - p.Second) < 1e-6), $"row {r}: taught [{string.Join(", ", taught)}], alone [{string.Join(", ", alone)}]");
                    rows++;
                }
            }
        }
        Assert.Equal(Texts.Length, rows);
    }

    [Fact]
    public void Train_TeacherWithOwnTokenizer_StudentLearnsEachExamplesTeacherDistribution()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var (teacher, student) = Tokenized(dir);
        manual_seed(2);
        using var teacherModel = new BagClassifier(teacher.Tokenizer.VocabSize, trainable: false);
        using var studentModel = new BagClassifier(student.Tokenizer.VocabSize, trainable: true);
        // The teacher's class-0 probability spreads from about 0.1 to 0.9 over the examples by their first word alone, so
        // that a student paired with another example's targets cannot fit them all.
        using (no_grad())
        {
            var weights = zeros(teacher.Tokenizer.VocabSize, 2);
            for (var i = 0; i < Texts.Length; i++) weights[teacher.Features[i].Text.Ids[1], 0] = tensor(-6.6f + 13.2f * (i * 5 % 8) / 7);
            teacherModel.parameters().Single().copy_(weights);
        }
        var feed = new TaskDataFeed(student.Features, TaskKind.Classification, student.Tokenizer.PadId, batchSize: 4, seed: 3,
            [new TeacherFeatures(teacher.Features, teacher.Tokenizer.PadId)]);
        var distiller = new GeneralDistiller(
            new TrainingConfig { OutputDir = dir.File("out"), BatchSize = 4, NumEpochs = 60, LearningRate = 0.2, WarmupProportion = 0, WeightDecay = 0, LogSteps = 10 },
            new DistillationConfig { Temperature = 1 }.Validate("own inputs"), Adapted(studentModel), new OnlineTeacher(Adapted(teacherModel), inputs: 0),
            new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));
        var before = Distance(teacherModel, studentModel, teacher, student);

        distiller.Train(feed);

        var after = Distance(teacherModel, studentModel, teacher, student);
        Assert.True(after < before / 4 && after < 0.05, $"mean |p_T - p_S| per example: before {before}, after {after}");
    }

    [Fact]
    public void TaskDataFeed_TeacherFeaturesOfAnotherExampleOrder_RefusedNamingTheRow()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var (teacher, student) = Tokenized(dir);
        var swapped = teacher.Features.ToList();
        (swapped[2], swapped[5]) = (swapped[5], swapped[2]);

        var error = Assert.Throws<ConfigException>(() => new TaskDataFeed(student.Features, TaskKind.Classification, 0, 4, 1, [new TeacherFeatures(swapped, 0)]));
        var tagging = Assert.Throws<ConfigException>(() => new TaskDataFeed(student.Features, TaskKind.Tagging, 0, 4, 1, [new TeacherFeatures(teacher.Features, 0)]));

        Assert.Equal("teacher 0's own features: feature 2 is of example \"e5\", the student's of \"e2\"; both must follow the same examples in the same order", error.Message);
        Assert.Contains("pair with the student's only for classification; the task is tagging", tagging.Message);
    }

    private static float[] TeacherAlone(BagClassifier model, TrainingFeature feature)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var ids = tensor(feature.Text.Ids.Select(i => (long)i).ToArray(), [1, feature.Text.Length]);
        return model.call(ids, ones_like(ids))[0].data<float>().ToArray();
    }

    /// <summary>Mean over the examples of |p_T(class 0) − p_S(class 0)|, each model on its own tokens of the example.</summary>
    private static double Distance(BagClassifier teacherModel, BagClassifier studentModel, Side teacher, Side student)
    {
        var total = 0.0;
        for (var i = 0; i < Texts.Length; i++)
        {
            var t = Softmax(TeacherAlone(teacherModel, teacher.Features[i]));
            var s = Softmax(TeacherAlone(studentModel, student.Features[i]));
            total += Math.Abs(t - s);
        }
        return total / Texts.Length;
    }

    private static double Softmax(float[] logits) => 1 / (1 + Math.Exp(logits[1] - logits[0]));
}
