using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>
/// Keeps the memory LibTorch frees inside glibc's heap for the next step. A training step allocates and frees the
/// same activations and gradients (up to tens of MB each) every time; with glibc's defaults a block that size is
/// mapped fresh and unmapped on free (or trimmed off the heap's top), so every step paid page faults and the kernel
/// zeroing pages: 7.6 % of a 2-layer student's step in `bench/profile-step.sh`, 3.8 % with this setting.
/// The blocks kept were live at the step's peak anyway; what a process frees is kept (up to 1 GiB at the heap's top)
/// rather than given back to the system.
/// </summary>
internal static class NativeHeap
{
    // mallopt parameters (malloc.h).
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;

    /// <summary>glibc's largest mmap threshold on 64-bit (half its heap size): blocks up to it come from the heap.</summary>
    internal const int MmapThresholdBytes = 32 << 20;

    /// <summary>Sets the thresholds; false where the C library is not glibc (or refused a value), which changes nothing.</summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Fixing the mmap threshold also stops glibc from moving it (and the trim threshold) by itself.
            return Mallopt(MmapThreshold, MmapThresholdBytes) == 1
                & Mallopt(TrimThreshold, 1 << 30) == 1
                & Mallopt(TopPad, 64 << 20) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
