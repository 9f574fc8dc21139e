using System.Runtime.InteropServices;
using Distill.Runtime;

namespace Distill.Tests.Runtime;

public sealed class NativeHeapTests
{
    // glibc's chunk header: the word before the returned pointer holds the size, bit 1 set for a mapped block.
    private const long IsMmapped = 2;

    [Fact]
    public void RetainFreedMemory_BlocksUpToThreshold_ComeFromTheHeapNotFreshMappings()
    {
        Assert.True(NativeHeap.RetainFreedMemory());

        // An activation-sized block (glibc's default maps anything over 128 KiB until a free raises that) is now
        // served from the heap, where a freed one is reused without page faults. (A larger block is mapped only when
        // the heap's kept free top cannot hold it, which depends on what ran before: not asserted.)
        Assert.False(Mapped(24 << 20));
        Assert.False(Mapped(NativeHeap.MmapThresholdBytes - (1 << 20)));
    }

    private static bool Mapped(int bytes)
    {
        var block = Malloc(bytes);
        Assert.NotEqual(IntPtr.Zero, block);
        try
        {
            return (Marshal.ReadInt64(block - 8) & IsMmapped) != 0;
        }
        finally
        {
            Free(block);
        }
    }

    [DllImport("libc", EntryPoint = "malloc")]
    private static extern IntPtr Malloc(nint bytes);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr block);
}
