using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace Distill.Cache;

/// <summary>
/// A shard file mapped into memory, so that its checksum and its parse read the same bytes and the file is
/// read from disk once: hashing faults the pages into the OS file cache, parsing then reads them from there.
/// Both read the mapping in place (spans over the view), copying nothing. Mapped pages are file-backed (the
/// kernel may drop and re-read them), not process memory.
/// </summary>
/// <remarks>
/// Writers never modify a shard in place (they write a temporary file and rename it), and a mapping keeps
/// the file it opened, so the hashed bytes are the parsed bytes.
/// </remarks>
internal sealed unsafe class MappedShard : IDisposable
{
    // SHA-256 of one span at a time; spans are int-sized, shards need not be.
    private const int HashChunk = 1 << 30;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;

    private MappedShard(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
        byte* start = null;
        // The view maps from offset 0 of the file, which is page-aligned, so the view's first byte is the file's.
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _start = start;
    }

    public long Length { get; }

    /// <summary>Maps <paramref name="path"/>, which must not be empty (a mapping cannot be).</summary>
    public static MappedShard Open(string path, long length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1, nameof(length));
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.None);
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new MappedShard(file, view, length);
        }
        catch
        {
            view?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The mapped bytes [<paramref name="offset"/>, offset + <paramref name="count"/>), valid until this shard is
    /// disposed; a range outside the file is a programming error (callers check ranges read from the file first).
    /// </summary>
    public ReadOnlySpan<byte> Span(long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset, nameof(offset));
        ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(count));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + count, Length, nameof(count));
        return new ReadOnlySpan<byte>(_start + offset, count);
    }

    /// <summary>Lowercase hex SHA-256 of the mapped bytes.</summary>
    public string Sha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long offset = 0; offset < Length; offset += HashChunk)
        {
            hash.AppendData(Span(offset, (int)Math.Min(HashChunk, Length - offset)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A read-only stream over the mapped bytes, valid until this shard is disposed.</summary>
    public Stream OpenStream() => new UnmanagedMemoryStream(_view.SafeMemoryMappedViewHandle, 0, Length, FileAccess.Read);

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
