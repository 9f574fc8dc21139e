using System.Globalization;
using System.Text.Json;

namespace Distill.Data;

/// <summary>Reads the scalar fields of data records and describes unexpected JSON values for error messages.</summary>
internal static class JsonText
{
    private const int MaxQuoted = 40;

    /// <summary>
    /// The field as text, or null when it is absent or JSON null. Strings always count; with
    /// <paramref name="scalarsAllowed"/> integers and booleans too, written invariantly (<c>3</c>, <c>true</c>).
    /// </summary>
    public static string? OptionalString(JsonElement record, string name, bool scalarsAllowed, Func<string, Exception> error)
    {
        if (!record.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => TextOf(value, name, error),
            JsonValueKind.Number when scalarsAllowed && value.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.True when scalarsAllowed => "true",
            JsonValueKind.False when scalarsAllowed => "false",
            _ => throw error($"bad \"{name}\" (expected {(scalarsAllowed ? "a string, an integer or a boolean" : "a string")}, found {Describe(value)})"),
        };
    }

    /// <summary>
    /// A JSON string's text. JSON allows an escaped lone UTF-16 surrogate (<c>"\ud800"</c>) that no .NET string
    /// can decode to text (System.Text.Json throws <see cref="InvalidOperationException"/>); that is the data's
    /// fault, reported through <paramref name="error"/> like any other bad field.
    /// </summary>
    public static string TextOf(JsonElement value, string name, Func<string, Exception> error)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw error($"bad \"{name}\" (expected text; found a lone UTF-16 surrogate escape in {Describe(value)}: a \\uD800-\\uDFFF escape must be half of a pair)");
        }
    }

    /// <summary>The value's kind and (shortened) JSON text, e.g. <c>number 1.5</c> or <c>array [1,2]</c>.</summary>
    public static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        if (text.Length > MaxQuoted) text = string.Concat(text.AsSpan(0, MaxQuoted), "...");
        var kind = value.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => "boolean",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{kind} {text}";
    }
}
