using System.Globalization;
using Distill.Errors;

namespace Distill.Data;

/// <summary>
/// A data file holds a record the readers cannot use. The message reads <c>FILE:LOCATION: what is wrong
/// (expected ..., found ...)</c>, so editors and terminals can jump to the spot.
/// </summary>
public sealed class DataFormatException : Exception, IKindedException
{
    /// <param name="file">the data file, as the caller named it</param>
    /// <param name="location">where in it, e.g. <c>line 2</c> or <c>data[0].paragraphs[1]</c>; empty for the whole file</param>
    /// <param name="problem">what is wrong, with what was expected and what was found</param>
    public DataFormatException(string file, string location, string problem)
        : base(location.Length == 0 ? $"{file}: {problem}" : $"{file}:{location}: {problem}")
    {
        File = file;
        Location = location;
    }

    /// <summary>Always <see cref="ErrorKind.BadInput"/>: the user's data must be fixed.</summary>
    public ErrorKind Kind => ErrorKind.BadInput;

    /// <summary>The file as the caller named it.</summary>
    public string File { get; }

    /// <summary>Where in the file: <c>line 12</c>, or a JSON path such as <c>data[0].paragraphs[2].qas[1]</c>; empty when the whole file is at fault.</summary>
    public string Location { get; }

    /// <summary>The location of a line: <c>line 12</c>.</summary>
    internal static string AtLine(int line) => $"line {line.ToString(CultureInfo.InvariantCulture)}";
}
