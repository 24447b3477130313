using BenchmarkDotNet.Attributes;
using QuantFeatures.Data;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The issue-3 loading target: 1,000,000 five-minute bars aligned with 8 h funding, 5-minute open-interest and
/// positioning snapshots and 100,000 liquidation events, from in-memory sources (the alignment cost, not parsing;
/// CsvBenchmarks times the parsers). Target ≤ 0.5 s.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[WarmupCount(2)]
[IterationCount(8)]
public class LoaderBenchmarks
{
    private const long Hour = 3_600_000;
    private const long FiveMinutes = 300_000;
    private MarketDataLoader _loader = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int n = 1_000_000;
        long t0 = 1_700_000_000_000L / FiveMinutes * FiveMinutes;
        var rnd = new Random(5);
        var bars = new Kline[n];
        double price = 100;
        for (int i = 0; i < n; i++)
        {
            price *= 1 + (0.001 * (rnd.NextDouble() - 0.5));
            bars[i] = new Kline(t0 + (i * FiveMinutes), price, price * 1.001, price * 0.999, price, 10);
        }

        var funding = Enumerable.Range(0, (int)(n * FiveMinutes / (8 * Hour)) + 1).Select(i => new FundingSettlement(t0 + (i * 8 * Hour) + 8, 1e-4));
        var openInterest = Enumerable.Range(0, n).Select(i => new OpenInterestSnapshot(t0 + (i * FiveMinutes), 1000 + i, 1e6));
        var positioning = Enumerable.Range(0, n).Select(i => new PositioningSnapshot(t0 + (i * FiveMinutes), 1.1, 1.2, 1.3, 0.9));
        var liquidations = Enumerable.Range(0, 100_000).Select(i => new LiquidationEvent(t0 + rnd.NextInt64(n * FiveMinutes),
            i % 2 == 0 ? LiquidationSide.Long : LiquidationSide.Short, 100, 1 + (i % 7)));
        _loader = new MarketDataLoader(new InMemoryKlineSource().Add("X", bars, new Timeframe(FiveMinutes)))
            .WithFunding(new InMemorySource<FundingSettlement>().Add("X", funding))
            .WithOpenInterest(new InMemorySource<OpenInterestSnapshot>().Add("X", openInterest))
            .WithPositioning(new InMemorySource<PositioningSnapshot>().Add("X", positioning))
            .WithLiquidations(new InMemorySource<LiquidationEvent>().Add("X", liquidations));
    }

    [Benchmark]
    public int Load() => _loader.LoadAsync("X", new Timeframe(FiveMinutes), TimeRange.All).GetAwaiter().GetResult().Length;
}
