using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace Distill.Cache;

/// <summary>
/// A shard file mapped into memory, so that its checksum and its Parquet parse read the same bytes and
/// the file is read from disk once: hashing faults the pages into the OS file cache, parsing then reads
/// them from there. Mapped pages are file-backed (the kernel may drop and re-read them), not process memory.
/// </summary>
/// <remarks>
/// Writers never modify a shard in place (they write a temporary file and rename it), and a mapping keeps
/// the file it opened, so the hashed bytes are the parsed bytes.
/// </remarks>
internal sealed class MappedShard : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    private MappedShard(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
    }

    public long Length { get; }

    /// <summary>Maps <paramref name="path"/>, which must not be empty (a mapping cannot be).</summary>
    public static MappedShard Open(string path, long length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1, nameof(length));
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.None);
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            return new MappedShard(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Lowercase hex SHA-256 of the mapped bytes.</summary>
    public string Sha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var handle = _view.SafeMemoryMappedViewHandle;
            for (long offset = 0; offset < Length; offset += chunk.Length)
            {
                var span = chunk.AsSpan(0, (int)Math.Min(chunk.Length, Length - offset));
                handle.ReadSpan((ulong)offset, span);
                hash.AppendData(span);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>A read-only stream over the mapped bytes, valid until this shard is disposed.</summary>
    public Stream OpenStream() => new UnmanagedMemoryStream(_view.SafeMemoryMappedViewHandle, 0, Length, FileAccess.Read);

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
