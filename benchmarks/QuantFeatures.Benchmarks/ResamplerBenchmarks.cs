using BenchmarkDotNet.Attributes;
using QuantFeatures.Data;

namespace QuantFeatures.Benchmarks;

/// <summary>Resampling 1,000,000 one-minute bars to 1h, with the sub-bar statistics of the microstructure family.</summary>
[MemoryDiagnoser]
[MinColumn]
[WarmupCount(2)]
[IterationCount(8)]
public class ResamplerBenchmarks
{
    private MarketFrame _minutes = null!;

    [GlobalSetup]
    public void Setup() => _minutes = BenchData.Frame();

    [Benchmark]
    public int OneMinuteToOneHour() => Resampler.Resample(_minutes, Timeframe.OneHour).Length;
}
