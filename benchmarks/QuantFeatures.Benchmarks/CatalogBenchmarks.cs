using BenchmarkDotNet.Attributes;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The whole catalogue on 1,000,000 bars with every input of every family (<see cref="BenchData.Full"/>: sub-bar statistics
/// and the derivatives columns), single-threaded, through the public FeatureEngineer: time per feature value
/// = Mean / (1e6 × features); allocation = the output columns (8 MB each) plus O(features).
/// </summary>
[MemoryDiagnoser]
[MinColumn] // the yardstick (shared/tools/cbench.c) reports the best of its repetitions: compare Min with it
[WarmupCount(2)]
[IterationCount(10)]
public class CatalogBenchmarks
{
    private MarketFrame _frame = null!;
    private FeatureEngineer _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchData.Full();
        _engine = new FeatureEngineer();
        Console.WriteLine($"// catalogue: {FeatureCatalog.Default.AvailableFor(_frame).Count} features on {_frame.Length} bars; output = {FeatureCatalog.Default.AvailableFor(_frame).Count * 8.0 * _frame.Length / 1e6:F0} MB");
    }

    private FeatureMatrix _reused = null!;

    /// <summary>Fresh output columns every call: includes the operating system's first touch of the output (8 MB per feature).</summary>
    [Benchmark]
    public int ComputeAll() => _engine.ComputeAll(_frame).ColumnCount;

    /// <summary>The same work into the buffers of an earlier result (ComputeInto): the engine's own cost.</summary>
    [Benchmark]
    public int ComputeAllInto() => _engine.ComputeInto(_frame, _reused).ColumnCount;

    [GlobalSetup(Target = nameof(ComputeAllInto))]
    public void SetupInto()
    {
        Setup();
        _reused = _engine.ComputeAll(_frame);
    }
}
