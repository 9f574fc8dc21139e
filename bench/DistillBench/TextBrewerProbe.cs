using System.Diagnostics;
using System.Globalization;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Feeds;
using static TorchSharp.torch;

namespace Distill.DistillBench;

/// <summary>
/// TextBrewer's student-only step (its BasicTrainer, PyTorch's AdamW, clipping at 1) beside ours: the batches our feed
/// makes are written to a file and <c>textbrewer/student_step.py</c> trains a PyTorch BERT of the student's config on
/// them, in a child process of <c>python3</c> (the environment variable DISTILL_BENCH_PYTHON names another), with the
/// same warm-up, timed steps and threads.
/// </summary>
public static class TextBrewerProbe
{
    private const string Script = "textbrewer/student_step.py";

    /// <summary>One line: TextBrewer's ms per step and our step's ratio to it, wall and CPU, or why it did not run.</summary>
    public static string Run(string studentDir, TrainingConfig training, IBatchFeed feed, int warmup, int steps, double oursMs, double oursCpuMs)
    {
        var python = Environment.GetEnvironmentVariable("DISTILL_BENCH_PYTHON") ?? "python3";
        var batches = Path.GetTempFileName();
        try
        {
            WriteBatches(feed, warmup + steps + 1, batches);
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, Script), Path.Combine(studentDir, "config.json"), batches,
                         warmup.ToString(CultureInfo.InvariantCulture), steps.ToString(CultureInfo.InvariantCulture), training.Threads.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            // torch.set_num_threads does not reach OpenBLAS's own pool (Debian's torch): without these the PyTorch side
            // ran on both cores (CPU time twice its wall time) while ours ran on one.
            foreach (var pool in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS" })
            {
                start.Environment[pool] = training.Threads.ToString(CultureInfo.InvariantCulture);
            }
            using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
            var error = child.StandardError.ReadToEndAsync();
            var line = child.StandardOutput.ReadToEnd().Trim();
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                var last = error.Result.Trim().Split('\n').LastOrDefault() ?? "";
                return $"TextBrewer's student-only step: not run ({python} {Script} exited {child.ExitCode}: {last}); it needs python3 with torch "
                    + "(Debian: apt-get install -t bookworm python3-torch libopenblas0-pthread python3-tqdm) and TextBrewer's src/ on PYTHONPATH";
            }
            var f = line.Split(' ');
            var (ms, cpu) = (double.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture));
            return $"TextBrewer's student-only step (BasicTrainer, PyTorch {python}, same batches): {ms:F1} ms/step (CPU {cpu:F1} ms); ours / TextBrewer's = {oursMs / ms:F3}, CPU {oursCpuMs / cpu:F3} (goal <= 0.6)";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"TextBrewer's student-only step: not run ({python}: {e.Message})";
        }
        finally
        {
            File.Delete(batches);
        }
    }

    /// <summary>Per batch: int32 B, T, then B×T int64 input ids, B×T int64 attention mask, B int64 labels (little-endian).</summary>
    private static void WriteBatches(IBatchFeed feed, int count, string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        var written = 0;
        for (var epoch = 0; written < count; epoch++)
        {
            foreach (var batch in feed.Epoch(epoch, 0))
            {
                using (batch)
                {
                    var ids = batch[Batch.InputIds];
                    writer.Write((int)ids.shape[0]);
                    writer.Write((int)ids.shape[1]);
                    foreach (var name in new[] { Batch.InputIds, Batch.AttentionMask, Batch.Labels })
                    {
                        using var values = batch[name].to_type(ScalarType.Int64).contiguous();
                        foreach (var v in values.data<long>()) writer.Write(v);
                    }
                }
                if (++written == count) break;
            }
        }
    }
}
