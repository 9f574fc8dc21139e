using System.Text;

namespace Distill.Data;

/// <summary>
/// One record of a delimited file: its cells, the physical line it starts on, and what was wrong with it, if anything
/// (the cells are then partial).
/// </summary>
internal readonly record struct DelimitedRecord(int Line, IReadOnlyList<string> Cells, string? Error)
{
    /// <summary>An empty physical line, which separates nothing and is ignored.</summary>
    public bool IsBlank => Error is null && Cells.Count == 1 && Cells[0].Length == 0;
}

/// <summary>
/// Splits CSV or TSV text into records with RFC 4180 quoting: a cell that starts with '"' runs to the next lone '"'
/// and may hold the delimiter, line breaks and doubled quotes. A '"' inside an unquoted cell is literal, as GLUE
/// files write them. Records end at "\n" or "\r\n". Reads in blocks, one pass, so large files stream.
/// </summary>
internal sealed class DelimitedRecordReader(TextReader reader, char delimiter)
{
    private const char Quote = '"';
    private readonly char[] buffer = new char[1 << 16];
    private readonly StringBuilder cell = new();
    private int position;
    private int length;
    private int line = 1;

    /// <summary>The next record, or false at the end of the text.</summary>
    public bool TryRead(out DelimitedRecord record)
    {
        record = default;
        if (Peek() < 0) return false;
        var startLine = line;
        var cells = new List<string>();
        while (true)
        {
            cell.Clear();
            if (Peek() == Quote)
            {
                Next();
                if (!ReadQuotedCell())
                {
                    cells.Add(cell.ToString());
                    record = new DelimitedRecord(startLine, cells,
                        $"unterminated quoted cell (expected a closing '\"', found the end of the file)");
                    return true;
                }
                var after = Peek();
                if (after != delimiter && !AtLineEnd(after))
                {
                    cells.Add(cell.ToString());
                    SkipRestOfLine();
                    record = new DelimitedRecord(startLine, cells,
                        $"text after the closing quote of cell {cells.Count} (expected '{Describe(delimiter)}' or a line end, found '{(char)after}')");
                    return true;
                }
            }
            else
            {
                ReadUnquotedCell();
            }
            cells.Add(cell.ToString());
            if (Peek() == delimiter)
            {
                Next();
                continue;
            }
            EndLine();
            record = new DelimitedRecord(startLine, cells, null);
            return true;
        }
    }

    private bool ReadQuotedCell()
    {
        while (true)
        {
            var c = Next();
            if (c < 0) return false;
            if (c == Quote)
            {
                if (Peek() != Quote) return true;
                Next();
            }
            cell.Append((char)c);
        }
    }

    private void ReadUnquotedCell()
    {
        while (true)
        {
            var c = Peek();
            if (c == delimiter || AtLineEnd(c)) return;
            Next();
            cell.Append((char)c);
        }
    }

    /// <summary>End of text, '\n', or the '\r' of "\r\n" (a lone '\r' is text).</summary>
    private bool AtLineEnd(int c) => c < 0 || c == '\n' || (c == '\r' && PeekSecond() == '\n');

    private void EndLine()
    {
        if (Peek() == '\r') Next();
        if (Peek() == '\n') Next();
    }

    private void SkipRestOfLine()
    {
        while (Peek() >= 0 && Next() != '\n') { }
    }

    private int Peek()
    {
        if (position == length && !Fill()) return -1;
        return buffer[position];
    }

    private int PeekSecond()
    {
        if (position + 1 >= length)
        {
            // Keep the unread character and top the buffer up behind it.
            var remaining = length - position;
            Array.Copy(buffer, position, buffer, 0, remaining);
            position = 0;
            length = remaining + reader.Read(buffer, remaining, buffer.Length - remaining);
            if (length < 2) return -1;
        }
        return buffer[position + 1];
    }

    private int Next()
    {
        var c = Peek();
        if (c < 0) return c;
        position++;
        if (c == '\n') line++;
        return c;
    }

    private bool Fill()
    {
        position = 0;
        length = reader.Read(buffer, 0, buffer.Length);
        return length > 0;
    }

    private static string Describe(char c) => c == '\t' ? "\\t" : c.ToString();
}
