using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Distill.Data;

/// <summary>
/// A data file's text, decoded as UTF-8 (a leading byte order mark skipped) with two guards that a plain
/// <see cref="StreamReader"/> lacks: a line longer than <see cref="DataReadOptions.MaxLineLength"/> characters
/// is a <see cref="DataFormatException"/> naming the file, the line and the limit, so a file that never ends a
/// line (<c>/dev/zero</c>, a binary file) fails at once in bounded memory; and bytes that are not UTF-8 become
/// U+FFFD as usual but their lines are recorded, so the reader can warn instead of replacing silently.
/// </summary>
internal sealed class DataTextReader : TextReader
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private readonly Stream stream;
    private readonly string path;
    private readonly int maxLineLength;
    private readonly byte[] bytes = new byte[1 << 16];
    private readonly char[] chars = new char[1 << 16];
    private readonly List<int> invalidLines = [];
    private int byteStart, byteEnd, charStart, charEnd;
    private bool endOfStream, started;
    private int line = 1;
    private int lineLength;

    public DataTextReader(string path, int maxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        this.path = path;
        this.maxLineLength = maxLineLength;
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
    }

    /// <summary>The lines, in order and each once, that held bytes which are not UTF-8 (decoded so far).</summary>
    public IReadOnlyList<int> InvalidUtf8Lines => invalidLines;

    /// <summary>The lines of a file, as <see cref="File.ReadLines(string)"/> gives them, under the guards; <paramref name="invalidUtf8Lines"/> gets the lines with bytes that are not UTF-8.</summary>
    public static IEnumerable<string> ReadLines(string path, DataReadOptions options, List<int> invalidUtf8Lines)
    {
        using var reader = new DataTextReader(path, options.MaxLineLength);
        while (reader.ReadLine() is { } text) yield return text;
        invalidUtf8Lines.AddRange(reader.InvalidUtf8Lines);
    }

    /// <summary>The warning for the lines that held bytes which are not UTF-8, or an empty string when there were none.</summary>
    public static string Utf8Warning(string path, IReadOnlyList<int> lines)
    {
        if (lines.Count == 0) return "";
        const int Listed = 5;
        var shown = string.Join(", ", lines.Take(Listed).Select(l => l.ToString(CultureInfo.InvariantCulture)));
        var more = lines.Count > Listed ? $" and {lines.Count - Listed} more" : "";
        return $"{path}: bytes that are not UTF-8 on line{(lines.Count == 1 ? "" : "s")} {shown}{more}, read as U+FFFD (expected UTF-8 text; re-encode the file, e.g. iconv -f latin1 -t utf-8)";
    }

    /// <summary>A line without its end ("\n", "\r\n" or a lone "\r", as <see cref="StreamReader.ReadLine"/> splits), or null at the end of the file.</summary>
    public override string? ReadLine()
    {
        if (charStart == charEnd && !Fill()) return null;
        StringBuilder? longLine = null;
        while (true)
        {
            var span = chars.AsSpan(charStart, charEnd - charStart);
            var end = span.IndexOfAny('\r', '\n');
            if (end >= 0)
            {
                var line = longLine is null ? new string(span[..end]) : longLine.Append(span[..end]).ToString();
                var lineEnd = span[end];
                charStart += end + 1;
                if (lineEnd == '\r' && (charStart < charEnd || Fill()) && chars[charStart] == '\n') charStart++;
                return line;
            }
            // The line goes on in the next block; Account bounds it by the limit.
            (longLine ??= new StringBuilder()).Append(span);
            charStart = charEnd;
            if (!Fill()) return longLine.ToString();
        }
    }

    public override int Peek() => charStart < charEnd || Fill() ? chars[charStart] : -1;

    public override int Read() => charStart < charEnd || Fill() ? chars[charStart++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty || (charStart == charEnd && !Fill())) return 0;
        var n = Math.Min(buffer.Length, charEnd - charStart);
        chars.AsSpan(charStart, n).CopyTo(buffer);
        charStart += n;
        return n;
    }

    /// <summary>Decodes the next characters; false at the end of the file.</summary>
    private bool Fill()
    {
        charStart = charEnd = 0;
        while (charEnd == 0)
        {
            // Four bytes hold any UTF-8 sequence: read when fewer are left, so that a cut sequence is completed.
            if (!endOfStream && byteEnd - byteStart < 4) ReadBytes();
            if (byteStart == byteEnd) return false;
            var status = Utf8.ToUtf16(bytes.AsSpan(byteStart, byteEnd - byteStart), chars.AsSpan(0, chars.Length - 1),
                out var read, out var written, replaceInvalidSequences: false, isFinalBlock: endOfStream);
            byteStart += read;
            charEnd = written;
            if (status == OperationStatus.InvalidData)
            {
                // One maximal invalid subsequence becomes one U+FFFD, as Encoding.UTF8 replaces it.
                Rune.DecodeFromUtf8(bytes.AsSpan(byteStart, byteEnd - byteStart), out _, out var invalid);
                byteStart += invalid;
                chars[charEnd++] = '\uFFFD';
            }
            Account(written, status == OperationStatus.InvalidData);
        }
        return true;
    }

    private void ReadBytes()
    {
        Array.Copy(bytes, byteStart, bytes, 0, byteEnd - byteStart);
        byteEnd -= byteStart;
        byteStart = 0;
        var n = stream.Read(bytes, byteEnd, bytes.Length - byteEnd);
        if (n == 0) endOfStream = true;
        byteEnd += n;
        if (!started && (byteEnd >= ByteOrderMark.Length || endOfStream))
        {
            started = true;
            if (bytes.AsSpan(0, byteEnd).StartsWith(ByteOrderMark)) byteStart = ByteOrderMark.Length;
        }
    }

    /// <summary>Counts lines over the newly decoded characters, the replacement character last when <paramref name="invalidLast"/>.</summary>
    private void Account(int valid, bool invalidLast)
    {
        for (var i = 0; i < charEnd; i++)
        {
            if (chars[i] == '\n')
            {
                line++;
                lineLength = 0;
                continue;
            }
            if (++lineLength > maxLineLength)
            {
                throw new DataFormatException(path, DataFormatException.AtLine(line),
                    $"line longer than {maxLineLength.ToString(CultureInfo.InvariantCulture)} characters, the limit (DataReadOptions.MaxLineLength); "
                    + "expected one record per line, found no line end: is it a data file?");
            }
            if (invalidLast && i == valid && (invalidLines.Count == 0 || invalidLines[^1] != line)) invalidLines.Add(line);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) stream.Dispose();
        base.Dispose(disposing);
    }
}
