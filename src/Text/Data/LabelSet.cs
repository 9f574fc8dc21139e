using System.Globalization;

namespace Distill.Data;

/// <summary>
/// The ordered labels of a classification task; a label's position is its class id. Built from data the order is
/// numeric when every label is an integer (2 before 10), ordinal otherwise, so ids do not depend on file order.
/// </summary>
internal sealed class LabelSet
{
    private readonly string[] labels;
    private readonly Dictionary<string, int> indexByLabel;

    private LabelSet(string[] labels)
    {
        this.labels = labels;
        indexByLabel = new Dictionary<string, int>(labels.Length, StringComparer.Ordinal);
        for (var i = 0; i < labels.Length; i++)
        {
            if (!indexByLabel.TryAdd(labels[i], i))
            {
                throw new ArgumentException(
                    $"label \"{labels[i]}\" appears twice, at ids {indexByLabel[labels[i]]} and {i} (expected distinct labels)");
            }
        }
    }

    public IReadOnlyList<string> Labels => labels;

    public int Count => labels.Length;

    public string this[int index] => labels[index];

    /// <summary>The distinct labels, in numeric order when all are integers, else in ordinal string order.</summary>
    public static LabelSet FromLabels(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (string.IsNullOrEmpty(label)) throw new ArgumentException("labels must be non-empty strings", nameof(labels));
            distinct.Add(label);
        }
        if (distinct.Count == 0) throw new ArgumentException("expected at least one label, found none", nameof(labels));

        var sorted = distinct.ToArray();
        if (sorted.All(IsInteger)) Array.Sort(sorted, CompareNumerically);
        else Array.Sort(sorted, StringComparer.Ordinal);
        return new LabelSet(sorted);
    }

    /// <summary>The labels in the given order (a model's or a config's label list), which must be distinct and non-empty.</summary>
    public static LabelSet FromOrdered(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var ordered = labels.ToArray();
        if (ordered.Length == 0) throw new ArgumentException("expected at least one label, found none", nameof(labels));
        if (ordered.Any(string.IsNullOrEmpty)) throw new ArgumentException("labels must be non-empty strings", nameof(labels));
        return new LabelSet(ordered);
    }

    /// <summary>The labels of the examples; see <see cref="FromLabels"/>.</summary>
    public static LabelSet FromExamples(IEnumerable<ClassificationExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return FromLabels(examples.Select(e => e.Label));
    }

    /// <summary>The labels of a Hugging Face <c>config.json</c> <c>id2label</c>; its keys must be exactly "0" to "n-1".</summary>
    public static LabelSet FromId2Label(IReadOnlyDictionary<string, string> id2Label)
    {
        ArgumentNullException.ThrowIfNull(id2Label);
        if (id2Label.Count == 0) throw new ArgumentException("id2label is empty (expected ids 0..n-1)", nameof(id2Label));
        var labels = new string?[id2Label.Count];
        foreach (var (key, label) in id2Label)
        {
            // Canonical spelling only: "01" or " 1" next to "1" would be two keys for one id.
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || id >= labels.Length || id.ToString(CultureInfo.InvariantCulture) != key)
            {
                throw new ArgumentException(
                    $"id2label key \"{key}\" is not a class id (expected the integers 0..{labels.Length - 1})", nameof(id2Label));
            }
            if (string.IsNullOrEmpty(label))
            {
                throw new ArgumentException($"id2label key \"{key}\" has an empty label (expected a non-empty string)", nameof(id2Label));
            }
            labels[id] = label;
        }
        // Count keys that are each a distinct id in 0..n-1 fill every slot, so none is null here.
        return new LabelSet(labels!);
    }

    public bool TryGetIndex(string label, out int index) => indexByLabel.TryGetValue(label, out index);

    /// <summary>The class id of <paramref name="label"/>; throws <see cref="KeyNotFoundException"/> listing the known labels.</summary>
    public int IndexOf(string label) => indexByLabel.TryGetValue(label, out var index)
        ? index
        : throw new KeyNotFoundException($"unknown label \"{label}\" (expected one of: {Describe()})");

    /// <summary>The Hugging Face <c>config.json</c> <c>id2label</c>: "0" → first label, and so on.</summary>
    public IReadOnlyDictionary<string, string> ToId2Label()
    {
        var id2Label = new Dictionary<string, string>(labels.Length);
        for (var i = 0; i < labels.Length; i++) id2Label.Add(i.ToString(CultureInfo.InvariantCulture), labels[i]);
        return id2Label;
    }

    /// <summary>The labels as <c>a, b, c</c>, for messages.</summary>
    internal string Describe() => string.Join(", ", labels);

    private static bool IsInteger(string label) =>
        long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    // Ties ("1" and "01") are broken ordinally so the order never depends on the input order.
    private static int CompareNumerically(string a, string b)
    {
        var byValue = long.Parse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            .CompareTo(long.Parse(b, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        return byValue != 0 ? byValue : string.CompareOrdinal(a, b);
    }
}
