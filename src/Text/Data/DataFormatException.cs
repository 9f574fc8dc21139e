using System.Globalization;
using Distill.Errors;

namespace Distill.Data;

/// <summary>
/// A data file holds a record the readers cannot use. The message reads <c>FILE:LOCATION: what is wrong
/// (expected ..., found ...)</c>, so editors and terminals can jump to the spot.
/// </summary>
public sealed class DataFormatException : Exception, IKindedException
{
    public DataFormatException(string file, string location, string problem)
        : base(location.Length == 0 ? $"{file}: {problem}" : $"{file}:{location}: {problem}")
    {
        File = file;
        Location = location;
    }

    public ErrorKind Kind => ErrorKind.BadInput;

    /// <summary>The file as the caller named it.</summary>
    public string File { get; }

    /// <summary>Where in the file: <c>line 12</c>, or a JSON path such as <c>data[0].paragraphs[2].qas[1]</c>; empty when the whole file is at fault.</summary>
    public string Location { get; }

    /// <summary>The location of a line: <c>line 12</c>.</summary>
    internal static string AtLine(int line) => $"line {line.ToString(CultureInfo.InvariantCulture)}";
}
