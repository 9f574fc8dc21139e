using Distill.Export.Bench;

namespace Distill.Tests.Export;

public sealed class OrtProfileTests
{
    // As ONNX Runtime writes it (fields trimmed): session events, fences, and one kernel event per node per run.
    private const string Trace = """
        [
          {"cat": "Session", "dur": 131218, "name": "model_loading_uri", "args": {}},
          {"cat": "Node", "dur": 3, "name": "MatMul_0_fence_before", "args": {"op_name": "MatMul"}},
          {"cat": "Node", "dur": 300, "name": "MatMul_0_kernel_time", "args": {"op_name": "MatMul", "provider": "CPUExecutionProvider"}},
          {"cat": "Node", "dur": 100, "name": "Attention_1_kernel_time", "args": {"op_name": "Attention"}},
          {"cat": "Node", "dur": 60, "name": "MatMul_2_kernel_time", "args": {"op_name": "MatMul"}},
          {"cat": "Session", "dur": 500, "name": "model_run", "args": {}},
          {"cat": "Node", "dur": 40, "name": "MatMul_0_kernel_time", "args": {"op_name": "MatMul"}}
        ]
        """;

    [Fact]
    public void ByOpType_SumsKernelEventsPerOpAndCountsNodesOnce()
    {
        var ops = OrtProfile.ByOpType(Trace);

        Assert.Equal([new OpTime("MatMul", 400, 2), new OpTime("Attention", 100, 1)], ops);
    }

    [Fact]
    public void Line_PerRunMillisecondsAndShares_HandComputed()
    {
        // Two runs: MatMul 400 µs → 0.20 ms per run, 80 % of 500 µs; Attention 0.05 ms, 20 %.
        var line = OrtProfile.Line(OrtProfile.ByOpType(Trace), runs: 2);

        Assert.Equal("MatMul×2 0.20 ms 80.0 %, Attention×1 0.05 ms 20.0 %; total 0.25 ms per run", line);
    }

    [Fact]
    public void ByOpType_NotAnArray_SaysWhatItFound()
    {
        var error = Assert.Throws<InvalidDataException>(() => OrtProfile.ByOpType("""{"traceEvents": []}"""));

        Assert.Contains("a JSON array of trace events; found a Object", error.Message);
    }
}
