using BenchmarkDotNet.Attributes;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The whole catalogue on 1,000,000 bars, single-threaded, through the public FeatureEngineer: time per feature value
/// = Mean / (1e6 × features); allocation = the output columns (8 MB each) plus O(features).
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(5)]
public class CatalogBenchmarks
{
    private MarketFrame _frame = null!;
    private FeatureEngineer _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchData.Frame();
        _engine = new FeatureEngineer();
        Console.WriteLine($"// catalogue: {FeatureCatalog.Default.AvailableFor(_frame).Count} features on {_frame.Length} bars; output = {FeatureCatalog.Default.AvailableFor(_frame).Count * 8.0 * _frame.Length / 1e6:F0} MB");
    }

    [Benchmark]
    public int ComputeAll() => _engine.ComputeAll(_frame).ColumnCount;
}
