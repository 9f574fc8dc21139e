using System.Text.Json;
using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Tests.Students;

public sealed class StudentBuilderTests
{
    [Fact]
    public void Write_TaskTeacherLayers_StudentLoadsWithTeachersLabelsHeadAndLayer()
    {
        using var dir = new TemporaryDirectory();
        var teacherDir = StudentTeachers.Classifier(dir);
        var output = Path.Combine(dir.Path, "student");

        var report = StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = output, Layers = [2] });

        var (student, labels) = TaskModelDirectory.Load(output, TaskKind.Classification);
        using var _ = student;
        var teacher = StudentTeachers.Weights(teacherDir);
        var weights = student.state_dict();
        Assert.Equal(["neg", "neu", "pos"], labels);
        Assert.True(weights["classifier.weight"].SameAs(teacher["classifier.weight"]));
        Assert.True(weights["bert.pooler.dense.weight"].SameAs(teacher["bert.pooler.dense.weight"]));
        Assert.True(weights["bert.encoder.layer.0.attention.self.key.weight"].SameAs(teacher["bert.encoder.layer.2.attention.self.key.weight"]));
        Assert.Equal(1, student.Config.NumHiddenLayers);
        Assert.Empty(report.Weights.LeftRandom);
        Assert.Equal(TaskKind.Classification, report.Task);
        Assert.True(report.StudentParameters < report.TeacherParameters);
        Assert.Equal(["config.json", "model.safetensors", "vocab.txt"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.Equal(File.ReadAllText(Path.Combine(teacherDir, "vocab.txt")), File.ReadAllText(Path.Combine(output, "vocab.txt")));
        var origin = BertConfig.Load(Path.Combine(output, "config.json")).Extra![StudentBuilder.OriginKey];
        Assert.Equal(teacherDir, origin.GetProperty("teacher").GetString());
        Assert.Equal([2], origin.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()));
        Assert.False(origin.TryGetProperty("preset", out JsonElement _));
    }

    [Fact]
    public void Write_PresetFromTaskTeacher_RandomStudentWithHeadAndLabels()
    {
        using var dir = new TemporaryDirectory();
        var output = Path.Combine(dir.Path, "student");

        var report = StudentBuilder.Write(new StudentRequest { Teacher = StudentTeachers.Classifier(dir), Output = output, Preset = "T3-small", Seed = 1 });

        var (student, labels) = TaskModelDirectory.Load(output, TaskKind.Classification);
        using var _ = student;
        Assert.Equal(["neg", "neu", "pos"], labels);
        Assert.Equal((3, 384, 1536, 50), (student.Config.NumHiddenLayers, student.Config.HiddenSize, student.Config.IntermediateSize, student.Config.VocabSize));
        Assert.Empty(report.Weights.Copied);
        Assert.Equal("T3-small", BertConfig.Load(Path.Combine(output, "config.json")).Extra![StudentBuilder.OriginKey].GetProperty("preset").GetString());
    }

    [Fact]
    public void Write_SameSeed_SameWeights_OtherSeed_Differs()
    {
        using var dir = new TemporaryDirectory();
        var teacherDir = StudentTeachers.Encoder(dir);
        StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = Path.Combine(dir.Path, "a"), Preset = "T4-tiny", Seed = 4 });
        StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = Path.Combine(dir.Path, "b"), Preset = "T4-tiny", Seed = 4 });
        StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = Path.Combine(dir.Path, "c"), Preset = "T4-tiny", Seed = 5 });

        var (a, b, c) = (StudentTeachers.Weights(Path.Combine(dir.Path, "a")), StudentTeachers.Weights(Path.Combine(dir.Path, "b")), StudentTeachers.Weights(Path.Combine(dir.Path, "c")));

        const string key = "encoder.layer.3.attention.self.query.weight";
        Assert.True(a[key].SameAs(b[key]));
        Assert.False(a[key].SameAs(c[key]));
    }

    [Fact]
    public void Write_FromCheckpoint_CopiesMatchingKeysAndLeavesHeadRandom()
    {
        using var dir = new TemporaryDirectory();
        var teacherDir = StudentTeachers.Classifier(dir);
        var fromDir = StudentTeachers.Encoder(dir, "small", seed: 8, config: StudentTeachers.Config with { NumHiddenLayers = 2 });
        var output = Path.Combine(dir.Path, "student");

        var report = StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = output, From = fromDir });

        var from = StudentTeachers.Weights(fromDir);
        var student = StudentTeachers.Weights(output);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Weights.LeftRandom.Order());
        Assert.Equal(from.Count, report.Weights.Copied.Count);
        Assert.All(from, kv => Assert.True(student["bert." + kv.Key].SameAs(kv.Value), kv.Key));
        Assert.Equal(2, BertConfig.Load(Path.Combine(output, ModelDirectory.ConfigFile)).NumHiddenLayers);
        Assert.StartsWith("2 layers, ", report.Shape);
    }

    [Fact]
    public void Write_FromCheckpointWithOtherVocabulary_LeavesWordEmbeddingsRandom()
    {
        using var dir = new TemporaryDirectory();
        var teacherDir = StudentTeachers.Encoder(dir);
        using var other = new TemporaryDirectory();
        var fromDir = StudentTeachers.Encoder(other, "other", seed: 8);
        File.WriteAllText(Path.Combine(fromDir, "vocab.txt"), string.Join("\n", Enumerable.Range(0, 50).Select(i => $"w{i}")) + "\n");

        var report = StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = Path.Combine(dir.Path, "student"), From = fromDir });

        Assert.Equal(["embeddings.word_embeddings.weight"], report.Weights.LeftRandom);
    }

    [Fact]
    public void Write_HiddenOtherThanTeachers_RefusesAndWritesNothing()
    {
        using var dir = new TemporaryDirectory();
        var output = Path.Combine(dir.Path, "student");

        var error = Assert.Throws<ConfigException>(() =>
            StudentBuilder.Write(new StudentRequest { Teacher = StudentTeachers.Encoder(dir), Output = output, Layers = [0], Hidden = 8 }));

        Assert.Contains("--hidden 8 differs from the teacher's hidden_size 16", error.Message);
        Assert.Empty(Directory.GetDirectories(dir.Path, "student*"));
    }

    [Fact]
    public void Write_ConfigWithOtherVocabSize_Refuses()
    {
        using var dir = new TemporaryDirectory();
        var configPath = dir.File("student.json");
        (StudentTeachers.Config with { VocabSize = 51 }).Save(configPath);

        var error = Assert.Throws<ConfigException>(() =>
            StudentBuilder.Write(new StudentRequest { Teacher = StudentTeachers.Encoder(dir), Output = dir.File("s"), ConfigFile = configPath }));

        Assert.Contains("vocab_size 51 differs from the teacher's 50", error.Message);
    }

    [Fact]
    public void Validate_TwoSources_NamesBoth()
    {
        var error = Assert.Throws<ConfigException>(() => new StudentRequest { Teacher = "t", Output = "o", Preset = "T3", From = "x" }.Validate());

        Assert.Contains("found --preset and --from", error.Message);
    }
}
