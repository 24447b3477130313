using BenchmarkDotNet.Attributes;
using QuantFeatures.Streaming;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The streaming engine with the whole single-frame catalogue (every feature the 1m bench frame with derivatives columns
/// allows, microstructure excluded): one <c>Update</c> per closed bar after a warm start (the live path; MemoryDiagnoser's
/// Allocated is per update), and the warm start itself from 100,000 bars. <see cref="Family"/> <c>all</c> is the headline
/// figure; each family alone shows where an update's time goes (their sum exceeds <c>all</c> by the per-bar cost every
/// engine pays once: loading the bar, copying it in, reading the row).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[WarmupCount(2)]
[IterationCount(8)]
public class StreamingBenchmarks
{
    private const int WarmBars = 100_000;
    private MarketFrame _frame = null!;
    private MarketFrame _warm = null!;
    private string[] _names = null!;
    private StreamingFeatureEngine _engine = null!;
    private readonly StreamingBar _bar = new();
    private double[] _row = null!;
    private int _next;

    /// <summary><c>all</c>, or one family's identifier (<see cref="FeatureFamilies.Id"/>).</summary>
    [Params("all", "price", "volume", "open_interest", "funding", "liquidations", "positioning", "time_quality")]
    public string Family { get; set; } = "all";

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchData.WithDerivatives(BenchData.Frame(400_000));
        _warm = _frame.Slice(0, WarmBars);
        FeatureFamily? only = Family == "all" ? null : FeatureFamilies.Parse(Family);
        _names = FeatureCatalog.Default.AvailableFor(_frame)
            .Where(f => f.Family != FeatureFamily.Microstructure && (only is null || f.Family == only))
            .Select(f => f.Name)
            .ToArray();
        _engine = StreamingFeatureEngine.WarmStart(_warm, _names);
        _row = new double[_names.Length];
        _next = WarmBars;
        Console.WriteLine($"// {Family}: {_names.Length} features, warm start {WarmBars} bars, updates from bar {WarmBars} of {_frame.Length}");
    }

    private const int UpdatesPerIteration = 100_000;

    /// <summary>A fresh warm engine when the frame's remaining bars cannot fill an iteration (outside the measurement).</summary>
    [IterationSetup(Target = nameof(Update))]
    public void EnoughBars()
    {
        if (_next + UpdatesPerIteration > _frame.Length)
        {
            _engine = StreamingFeatureEngine.WarmStart(_warm, _names);
            _next = WarmBars;
        }
    }

    /// <summary>One closed bar: load it, commit it, read the row.</summary>
    [Benchmark]
    [InvocationCount(UpdatesPerIteration, 1)]
    public double Update()
    {
        _engine.Update(_bar.Load(_frame, _next++));
        _engine.CopyLatest(_row);
        return _row[0];
    }

    /// <summary>A new engine warmed on 100,000 bars.</summary>
    [Benchmark]
    public long WarmStart() => StreamingFeatureEngine.WarmStart(_warm, _names).BarCount;
}
