using System.Globalization;
using Distill.Safetensors;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Export.Reporting;

/// <summary>
/// A hand-made pipeline output for the report: two runs' metrics.jsonl, three models (weights, an .onnx file of a
/// known size, an evaluation) and bench JSON. Nothing is trained or run; the numbers are the ones the tests expect.
/// </summary>
internal sealed class ReportFixture : IDisposable
{
    public TemporaryDirectory Dir { get; } = new();

    public string Bench => Dir.File("bench.json");
    public string Out => Dir.File("report");
    public string TeacherLog => Dir.File("teacher.jsonl");
    public string StudentLog => Dir.File("student.jsonl");

    public ReportFixture()
    {
        // The teacher's run was resumed after step 20: steps 20 and 30 were logged twice, the later lines count.
        Dir.Write("teacher.jsonl", """
            {"step":10,"epoch":0.5,"split":"train","loss":0.7,"learning_rate":1E-05}
            {"step":20,"epoch":1,"split":"train","loss":0.9,"learning_rate":1E-05}
            {"step":20,"epoch":1,"split":"dev","accuracy":0.5,"macro_f1":0.4}
            {"step":20,"epoch":1,"split":"train","loss":0.6,"learning_rate":1E-05}
            {"step":20,"epoch":1,"split":"dev","accuracy":0.75,"macro_f1":0.7}
            {"step":30,"epoch":1.5,"split":"train","loss":0.5,"learning_rate":1E-05}

            {"step":40,"epoch":2,"split":"train","loss":0.4,"learning_rate":1E-05}
            {"step":40,"epoch":2,"split":"dev","accuracy":0.8125,"macro_f1":0.8}
            """);
        Dir.Write("student.jsonl", """
            {"step":10,"epoch":1,"split":"train","loss":2.5,"kd_loss":2.0,"hidden_hidden_mse_0":0.5,"learning_rate":1E-04}
            {"step":10,"epoch":1,"split":"dev","accuracy":0.625,"macro_f1":0.6}
            {"step":20,"epoch":2,"split":"train","loss":1.5,"kd_loss":1.2,"hidden_hidden_mse_0":0.3,"learning_rate":1E-04}
            {"step":20,"epoch":2,"split":"dev","accuracy":0.6875,"macro_f1":0.65}
            {"step":30,"epoch":3,"split":"train","loss":1.25,"kd_loss":1.0,"hidden_hidden_mse_0":0.25,"learning_rate":1E-04}
            {"step":30,"epoch":3,"split":"dev","accuracy":0.71875,"macro_f1":0.7}
            """);
        Model("teacher", [[4, 5], [5], [3, 2, 2]], onnxBytes: 2_345_678, accuracy: 0.8125);   // 20 + 5 + 12 = 37 parameters
        Model("student", [[2, 5], [5]], onnxBytes: 987_654, accuracy: 0.71875);               // 15 parameters
        Dir.Write("student-int8.onnx", new string('x', 250_001));
        Dir.Write("student-int8.json", """{"accuracy":0.703125,"macro_f1":0.69}""");
        Dir.Write("bench.json", $$"""
            {"inputs": "synthetic", "threads": 1, "iterations": 30, "warmup": 5, "batch_size": 32, "batches": 3,
             "models": [
               {"model": "{{Dir.File("teacher.onnx")}}", "provider": "CPU", "lengths": [
                 {"length": 16, "p50_ms": 1.5, "p95_ms": 2, "sequences_per_second": 900},
                 {"length": 128, "p50_ms": 24.26, "p95_ms": 30, "sequences_per_second": 41.04}]},
               {"model": "{{Dir.File("student.onnx")}}", "provider": "CPU", "lengths": [
                 {"length": 16, "p50_ms": 0.5, "p95_ms": 1, "sequences_per_second": 3000},
                 {"length": 128, "p50_ms": 8.125, "p95_ms": 9, "sequences_per_second": 130.96}]},
               {"model": "{{Dir.File("student-int8.onnx")}}", "provider": "CPU", "lengths": [
                 {"length": 128, "p50_ms": 5.5, "p95_ms": 6, "sequences_per_second": 190.5}]}]}
            """);
    }

    /// <summary>The report command line over the fixture, with the three models in table order.</summary>
    public string[] Args(params string[] extra) =>
    [
        "report", "--out", Out, "--bench", Bench,
        "--curve", $"teacher,{TeacherLog}", "--curve", $"student,{StudentLog}",
        "--model", Spec("teacher", "teacher"), "--model", Spec("student", "student"), "--model", Spec("student int8", "student", "student-int8"),
        .. extra,
    ];

    private string Spec(string name, string weights, string? files = null) =>
        $"{name},{Dir.File(weights)},{Dir.File($"{files ?? weights}.onnx")},{Dir.File($"{files ?? weights}.json")}";

    private void Model(string name, long[][] shapes, int onnxBytes, double accuracy)
    {
        Directory.CreateDirectory(Dir.File(name));
        var tensors = shapes.Select((shape, i) => ($"w{i}", zeros(shape))).ToDictionary(p => p.Item1, p => p.Item2);
        SafetensorsFile.Write(Dir.File(name, "model.safetensors"), tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();
        Dir.Write($"{name}.onnx", new string('x', onnxBytes));
        Dir.Write($"{name}.json", string.Create(CultureInfo.InvariantCulture, $$"""{"accuracy":{{accuracy}},"macro_f1":0.5}"""));
    }

    public void Dispose() => Dir.Dispose();
}
