namespace Distill.Cache;

/// <summary>Selects the top k logits of each position and the log-sum-exp over all classes.</summary>
internal static class TopKLogits
{
    /// <summary>
    /// <paramref name="logits"/> holds positions × <paramref name="width"/> values; returns positions × k
    /// values (descending, ties by lower index) and indices, and one log-sum-exp per position.
    /// </summary>
    public static CacheTopK Select(ReadOnlySpan<float> logits, int width, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, width);
        if (logits.Length % width != 0)
        {
            throw new ArgumentException($"{logits.Length} logits are not a whole number of rows of width {width}", nameof(logits));
        }
        int positions = logits.Length / width;
        var result = new CacheTopK(new float[positions * k], new int[positions * k], new float[positions]);
        Select(logits, width, k, result.Values, result.Indices, result.LogSumExp);
        return result;
    }

    /// <summary>Allocation-free form of <see cref="Select(ReadOnlySpan{float}, int, int)"/> into caller buffers.</summary>
    internal static void Select(ReadOnlySpan<float> logits, int width, int k, Span<float> values, Span<int> indices, Span<float> logSumExp)
    {
        for (int p = 0; p < logSumExp.Length; p++)
        {
            var row = logits.Slice(p * width, width);
            logSumExp[p] = LogSumExp(row);
            SelectRow(row, values.Slice(p * k, k), indices.Slice(p * k, k));
        }
    }

    internal static float LogSumExp(ReadOnlySpan<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (var x in row)
        {
            max = MathF.Max(max, x);
        }
        if (float.IsInfinity(max) || float.IsNaN(max))
        {
            return max;
        }
        // Double accumulation: tens of thousands of small terms lose several digits in float32.
        double sum = 0;
        foreach (var x in row)
        {
            sum += Math.Exp(x - max);
        }
        return (float)(max + Math.Log(sum));
    }

    /// <summary>
    /// A min-heap of the best k seen so far (root = worst kept), then an in-place heap sort, which leaves
    /// the best first: O(width · log k) with no allocation.
    /// </summary>
    private static void SelectRow(ReadOnlySpan<float> row, Span<float> values, Span<int> indices)
    {
        int k = values.Length;
        for (int i = 0; i < k; i++)
        {
            values[i] = row[i];
            indices[i] = i;
        }
        for (int i = k / 2 - 1; i >= 0; i--)
        {
            SiftDown(values, indices, i, k);
        }
        for (int i = k; i < row.Length; i++)
        {
            // A later index never wins a tie, so only a strictly larger value enters.
            if (row[i] > values[0])
            {
                values[0] = row[i];
                indices[0] = i;
                SiftDown(values, indices, 0, k);
            }
        }
        for (int end = k - 1; end > 0; end--)
        {
            Swap(values, indices, 0, end);
            SiftDown(values, indices, 0, end);
        }
    }

    private static bool Worse(Span<float> values, Span<int> indices, int a, int b) =>
        values[a] < values[b] || (values[a] == values[b] && indices[a] > indices[b]);

    private static void SiftDown(Span<float> values, Span<int> indices, int i, int count)
    {
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count)
            {
                return;
            }
            if (child + 1 < count && Worse(values, indices, child + 1, child))
            {
                child++;
            }
            if (!Worse(values, indices, child, i))
            {
                return;
            }
            Swap(values, indices, i, child);
            i = child;
        }
    }

    private static void Swap(Span<float> values, Span<int> indices, int a, int b)
    {
        (values[a], values[b]) = (values[b], values[a]);
        (indices[a], indices[b]) = (indices[b], indices[a]);
    }
}
