using System.CommandLine;
using Distill.Data;
using Distill.Tasks;

namespace Distill.Cli;

/// <summary>
/// How data is read and cut, as options: declared once here for every command that reads data (<c>train</c>,
/// <c>eval</c>, <c>distill</c>, <c>cache-teacher run</c>), so that data with custom columns is cached, trained on
/// and evaluated the same way. Each option given replaces the same field of the settings it is applied to.
/// </summary>
internal sealed class DataReadingOptions
{
    private readonly Option<int?> maxSeqLength = new("--max-seq-length") { Description = "longer inputs are truncated, with a counted warning (default 128)" };
    private readonly Option<int?> docStride = new("--doc-stride") { Description = "QA: tokens shared by consecutive context windows (default 64)" };
    private readonly Option<int?> maxQueryLength = new("--max-query-length") { Description = "QA: longer questions are cut to this many tokens (default 64)" };
    private readonly Option<string?> textColumn = new("--text-column") { Description = "field or column of the (first) text (default \"text\", falling back to \"text_a\")" };
    private readonly Option<string?> textBColumn = new("--text-b-column") { Description = "field or column of the second text of a pair (default \"text_b\")" };
    private readonly Option<string?> labelColumn = new("--label-column") { Description = "field or column of the label (default \"label\")" };
    private readonly Option<bool> skipBad = new("--skip-bad") { Description = "skip and count bad input records instead of failing" };

    public IEnumerable<Option> All => [maxSeqLength, docStride, maxQueryLength, textColumn, textBColumn, labelColumn, skipBad];

    /// <summary>The settings every data-reading command starts from.</summary>
    public static TaskDataSettings Defaults { get; } = new(128, new DataReadOptions());

    /// <summary><paramref name="settings"/> with every option given on the command line in place of its value.</summary>
    public TaskDataSettings Apply(ParseResult parse, TaskDataSettings settings) => new(
        parse.GetValue(maxSeqLength) ?? settings.MaxSeqLength,
        new DataReadOptions
        {
            TextColumn = parse.GetValue(textColumn) ?? settings.ReadOptions.TextColumn,
            TextBColumn = parse.GetValue(textBColumn) ?? settings.ReadOptions.TextBColumn,
            LabelColumn = parse.GetValue(labelColumn) ?? settings.ReadOptions.LabelColumn,
            IdColumn = settings.ReadOptions.IdColumn,
            TaggingFormat = settings.ReadOptions.TaggingFormat,
            MaxLineLength = settings.ReadOptions.MaxLineLength,
            SkipBad = parse.GetValue(skipBad) || settings.ReadOptions.SkipBad,
        },
        parse.GetValue(docStride) ?? settings.DocStride,
        parse.GetValue(maxQueryLength) ?? settings.MaxQueryLength);
}
