namespace Distill.Data;

/// <summary>How the data readers treat bad records and which fields hold what. Defaults suit Hugging Face-style files.</summary>
public sealed class DataReadOptions
{
    /// <summary>The default <see cref="TextColumn"/>; only with it does a record without the column fall back to <c>text_a</c>.</summary>
    internal const string DefaultTextColumn = "text";

    /// <summary>The text column tried when a record lacks the default <see cref="TextColumn"/>.</summary>
    internal const string FallbackTextColumn = "text_a";

    /// <summary>Skip bad records, counting them and keeping each reason, instead of throwing. Default: false.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Field of the (first) text. Default: <c>"text"</c>, falling back to <c>"text_a"</c> when a record has no <c>"text"</c>.</summary>
    public string TextColumn { get; init; } = DefaultTextColumn;

    /// <summary>Field of the second text of a pair; optional, absent (or JSON null) means a single text. Default: <c>"text_b"</c>.</summary>
    public string TextBColumn { get; init; } = "text_b";

    /// <summary>Field of the label. Default: <c>"label"</c>.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Field of the example id; optional, absent means <c>{file name}:{line}</c>. Default: <c>"id"</c>.</summary>
    public string IdColumn { get; init; } = "id";

    /// <summary>The default <see cref="MaxLineLength"/>: 8 Mi characters, far above any real record, and a bounded buffer.</summary>
    public const int DefaultMaxLineLength = 8 << 20;

    /// <summary>
    /// The longest line a line-based file (JSON Lines, CSV, TSV, tagging) may have, in characters; a longer one
    /// fails the read naming the file, the line and this limit. Default: <see cref="DefaultMaxLineLength"/>.
    /// </summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>Layout of tagging files. Default: <see cref="TaggingFormat.Auto"/>.</summary>
    public TaggingFormat TaggingFormat { get; init; } = TaggingFormat.Auto;
}
