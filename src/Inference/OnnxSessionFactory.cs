using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Distill.Inference;

/// <summary>
/// Opens ONNX Runtime sessions: the CUDA provider when it loads, else the CPU one, said in one log line. The GPU
/// package lists CUDA even where it cannot load, so trying it is the only real test.
/// </summary>
internal static class OnnxSessionFactory
{
    /// <summary>A library the CUDA provider of ONNX Runtime 1.31 needs (CUDA 13 cuBLAS).</summary>
    private const string CudaProbeLibrary = "libcublasLt.so.13";

    /// <summary>The provider name when CUDA runs the model.</summary>
    public const string Cuda = "CUDA";

    /// <summary>The provider name when the CPU runs the model.</summary>
    public const string Cpu = "CPU";

    /// <param name="path">the .onnx file</param>
    /// <param name="threads">intra-op CPU threads</param>
    /// <param name="preferCuda">try the CUDA provider first</param>
    /// <param name="log">receives the one line saying which provider runs and why</param>
    /// <param name="provider"><see cref="Cuda"/> or <see cref="Cpu"/></param>
    /// <param name="profilePrefix">where ONNX Runtime writes a profile of every run (PREFIX_DATE.json, from <c>EndProfiling</c>); null: none</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="OnnxModelException">The file is not a model ONNX Runtime can load (truncated, not ONNX, unknown ops).</exception>
    public static InferenceSession Open(string path, int threads, bool preferCuda, Action<string>? log, out string provider, string? profilePrefix = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model {path} does not exist", path);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        if (profilePrefix is not null)
        {
            // The prefix first: ONNX Runtime takes it when profiling is switched on.
            options.ProfileOutputPathPrefix = profilePrefix;
            options.EnableProfiling = true;
        }
        provider = Cpu;
        string why;
        if (!preferCuda)
        {
            why = "CUDA not requested";
        }
        // Probing first keeps ONNX Runtime from printing a load error on every machine without a GPU.
        else if (!NativeLibrary.TryLoad(CudaProbeLibrary, out _))
        {
            why = $"{CudaProbeLibrary} not found";
        }
        else
        {
            try
            {
                options.AppendExecutionProvider_CUDA();
                provider = Cuda;
                why = $"{CudaProbeLibrary} loaded";
            }
            catch (OnnxRuntimeException e)
            {
                why = $"the CUDA provider failed to load: {FirstLine(e.Message)}";
            }
        }
        log?.Invoke($"onnxruntime: {provider} provider, {threads} thread(s) ({why})");
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"{path}: not a model ONNX Runtime can load (expected a complete ONNX file; ONNX Runtime says: {FirstLine(e.Message)})");
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
