using BenchmarkDotNet.Attributes;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// Each feature computed alone on 1,000,000 bars into a preallocated column (as TA-Lib C writes into a caller's
/// buffer): the figure compared with shared/tools/run-cbench.sh. Mean / 1e6 = ns per bar. The allocation column
/// must read 0 B for a single kernel (scratch is pooled); features built on shared intermediates use pooled columns.
/// Set QF_BENCH_ALL=1 to run every catalogue feature instead of the eleven yardstick indicators, or
/// QF_BENCH_FEATURES=a,b to run just those.
/// </summary>
[MemoryDiagnoser]
[MinColumn] // the yardstick (shared/tools/cbench.c) reports the best of its repetitions: compare Min with it
[WarmupCount(3)]
[IterationCount(10)]
public class FeatureBenchmarks
{
    private static readonly string[] Yardstick = ["sma_20", "ema_12", "rsi_14", "macd", "atr_14", "bb_width", "obv", "mfi_14", "adx_14", "willr_14", "cci_20"];
    private MarketFrame _frame = null!;
    private Dictionary<string, double[]> _outputs = null!;

    [ParamsSource(nameof(Names))]
    public string Feature { get; set; } = "sma_20";

    public static IEnumerable<string> Names() =>
        Environment.GetEnvironmentVariable("QF_BENCH_FEATURES") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : Environment.GetEnvironmentVariable("QF_BENCH_ALL") == "1"
            ? FeatureCatalog.Default.Features.Select(f => f.Name)
            : Yardstick.Where(n => FeatureCatalog.Default.TryGet(n, out _));

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchData.Full(); // every catalogue feature's inputs, the derivatives columns included
        _outputs = new Dictionary<string, double[]>(StringComparer.Ordinal) { [Feature] = new double[_frame.Length] };
    }

    [Benchmark]
    public double Compute()
    {
        using var ctx = new FeatureContext(_frame, FeatureCatalog.Default, FeatureEngineerOptions.Default, _outputs);
        return ctx.Feature(Feature)[^1];
    }
}
