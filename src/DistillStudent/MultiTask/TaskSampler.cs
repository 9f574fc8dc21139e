namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// Which task each batch of a multi-task run comes from (TextBrewer's MultiTaskDistiller): task i with probability
/// sizeᵢ^tau / Σⱼ sizeⱼ^tau, where a size is the task's batches per epoch (TextBrewer's <c>len(dataloader)</c>).
/// tau = 1 samples in proportion to the data, tau = 0 uniformly, values between flatten the proportions, and a
/// negative tau (allowed, as in TextBrewer) favours the small tasks. The draws
/// are a function of the seed alone, so the draws before batch b (and thus each task's position) are recomputed
/// exactly when a run resumes at b.
/// </summary>
internal sealed class TaskSampler
{
    private readonly double[] cumulative;
    private readonly int seed;

    /// <param name="sizes">each task's batches per epoch</param>
    /// <param name="tau">the exponent on the sizes; any finite number</param>
    /// <param name="seed">the run's seed</param>
    public TaskSampler(IReadOnlyList<int> sizes, double tau, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sizes.Count);
        if (!double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be a finite number");
        if (sizes.Any(s => s <= 0)) throw new ArgumentException($"every task needs data; sizes [{string.Join(", ", sizes)}]", nameof(sizes));
        var weights = sizes.Select(s => Math.Pow(s, tau)).ToArray();
        var total = weights.Sum();
        Probabilities = weights.Select(w => w / total).ToArray();
        cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++) cumulative[i] = sum += Probabilities[i];
        this.seed = seed;
    }

    /// <summary>Each task's probability of giving a batch.</summary>
    public IReadOnlyList<double> Probabilities { get; }

    /// <summary>The task of each of the first <paramref name="count"/> batches; the same sequence for the same seed.</summary>
    public int[] Draws(int count)
    {
        var random = new Random(seed);
        var draws = new int[count];
        for (var i = 0; i < count; i++)
        {
            var u = random.NextDouble();
            var task = Array.FindIndex(cumulative, c => u < c);
            draws[i] = task < 0 ? cumulative.Length - 1 : task; // u just below 1 past a rounded-down total
        }
        return draws;
    }
}
