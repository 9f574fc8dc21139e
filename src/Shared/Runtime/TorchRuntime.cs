using Distill.Errors;
using TorchSharp;

namespace Distill.Runtime;

/// <summary>Loads LibTorch up front so that a missing native dependency is reported with its real cause.</summary>
internal static class TorchRuntime
{
    private const string RequiredGlibcxx = "GLIBCXX_3.4.32";

    /// <summary>
    /// Loads the native library, sets the CPU thread count (1 keeps steps steady on shared machines) and keeps freed
    /// native memory for reuse (<see cref="NativeHeap"/>).
    /// </summary>
    public static void Initialize(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            throw new KindedException(ErrorKind.Environment, Explain(e), e);
        }
        torch.set_num_threads(threads);
        NativeHeap.RetainFreedMemory();
    }

    /// <summary>CUDA when this build has it and a GPU answers; CPU otherwise (TorchSharp throws rather than say false).</summary>
    public static torch.Device PickDevice(bool preferCuda)
    {
        if (!preferCuda) return torch.CPU;
        try
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
        catch (Exception)
        {
            return torch.CPU;
        }
    }

    private static string Explain(Exception e)
    {
        var libstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        var hasSymbol = libstdcxx is not null && File.ReadAllText(libstdcxx).Contains(RequiredGlibcxx, StringComparison.Ordinal);
        var innermost = e;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        return hasSymbol || libstdcxx is null
            ? $"LibTorch failed to load: {innermost.Message}"
            : $"LibTorch failed to load because {libstdcxx} lacks {RequiredGlibcxx} (TorchSharp 0.107 needs GCC 13's libstdc++). " +
              "Run scripts/bootstrap.sh as root once (Debian 12), or install libstdc++6 from GCC 13 or newer.";
    }
}
