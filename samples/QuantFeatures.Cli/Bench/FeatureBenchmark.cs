using System.Diagnostics;

namespace QuantFeatures.Cli.Bench;

/// <summary>
/// In-process timing of <see cref="FeatureEngineer"/>: each feature computed alone, then a set together.
/// One warm-up call (JIT, pools), then the best of <c>runs</c> calls, each after a full collection; allocation is measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around one call.
/// </summary>
public sealed class FeatureBenchmark
{
    private readonly FeatureEngineer _engine;
    private readonly MarketFrame _frame;
    private readonly int _runs;

    /// <summary>Creates a benchmark over a frame.</summary>
    public FeatureBenchmark(FeatureEngineer engine, MarketFrame frame, int runs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        _engine = engine;
        _frame = frame;
        _runs = runs;
    }

    /// <summary>Times one feature computed alone (<c>FeatureEngineer.Compute(frame, name)</c>).</summary>
    public BenchResult One(string name) => Measure(name, [name]);

    /// <summary>Times a set of features computed in one call.</summary>
    public BenchResult Together(string label, IReadOnlyList<string> names) => Measure(label, names);

    private BenchResult Measure(string label, IReadOnlyList<string> names)
    {
        var plan = names.ToArray();
        _ = _engine.Compute(_frame, plan);
        long best = long.MaxValue;
        long allocated = 0;
        for (int r = 0; r < _runs; r++)
        {
            // Start every timed call from a collected heap, so that a collection caused by the previous call's
            // garbage (large output arrays) is not charged to this one.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            var matrix = _engine.Compute(_frame, plan);
            long ticks = Stopwatch.GetTimestamp() - start;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            GC.KeepAlive(matrix);
            best = Math.Min(best, ticks);
        }

        double ns = best * (1e9 / Stopwatch.Frequency);
        return new BenchResult(label, _frame.Length == 0 ? 0 : ns / _frame.Length, allocated, plan.Length);
    }
}
