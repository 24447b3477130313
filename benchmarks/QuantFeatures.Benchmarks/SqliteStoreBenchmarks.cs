using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using QuantFeatures.Data;
using QuantFeatures.Storage.Sqlite;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The SQLite store with 100,000 one-minute bars (every optional column set): one ingest batch into an empty file,
/// the same batch again (idempotent: reads the range, compares, writes nothing), and a latest read of every bar through
/// <see cref="SqliteMarketStore.OpenKlinesAsync"/>. Times are per bar; Op/s is bars per second. The issue-6 target is a
/// year of 1m bars (525,600) stored in seconds, i.e. ≥ 100,000 bars/s.
/// </summary>
[Config(typeof(BarsPerSecond))]
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
public class SqliteStoreBenchmarks
{
    public const int Bars = 100_000;
    private static readonly Timeframe M1 = Timeframe.OneMinute;
    private string _dir = null!;
    private Kline[] _bars = null!;
    private SqliteMarketStore _filled = null!;
    private SqliteMarketStore _empty = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "qf-sqlite-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        var frame = BenchData.Frame(Bars);
        string symbol = string.IsNullOrEmpty(frame.Symbol) ? "default" : frame.Symbol;
        _bars = [.. InMemoryKlineSource.FromFrame(frame).ReadAsync(symbol, TimeRange.All).ToBlockingEnumerable()];
        if (_bars.Length != Bars || double.IsNaN(_bars[^1].TakerBuyVolume))
        {
            throw new InvalidOperationException($"the benchmark data holds {_bars.Length} bars, expected {Bars} with every optional column");
        }

        _filled = SqliteMarketStore.OpenAsync(Path.Combine(_dir, "filled.db")).GetAwaiter().GetResult();
        _filled.KlineSink(M1).WriteAsync("BENCHUSDT", _bars).GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(Ingest))]
    public void NewFile()
    {
        _empty?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _empty = SqliteMarketStore.OpenAsync(Path.Combine(_dir, $"empty-{_round++}.db")).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _filled.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _empty?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>100,000 new bars in one batch (one transaction, one prepared INSERT).</summary>
    [Benchmark(OperationsPerInvoke = Bars)]
    public async Task<int> Ingest()
    {
        int n = await _empty.KlineSink(M1).WriteAsync("BENCHUSDT", _bars).ConfigureAwait(false);
        return n == Bars ? n : throw new InvalidOperationException($"stored {n} bars, expected {Bars}");
    }

    /// <summary>The same 100,000 bars again: every one compared with its stored revision, none written.</summary>
    [Benchmark(OperationsPerInvoke = Bars)]
    public async Task<int> Reingest()
    {
        int n = await _filled.KlineSink(M1).WriteAsync("BENCHUSDT", _bars).ConfigureAwait(false);
        return n == 0 ? n : throw new InvalidOperationException($"re-ingest stored {n} bars");
    }

    /// <summary>Every bar back, latest revision, in time order.</summary>
    [Benchmark(OperationsPerInvoke = Bars)]
    public async Task<int> ReadBack()
    {
        int n = 0;
        var source = await _filled.OpenKlinesAsync("BENCHUSDT", M1).ConfigureAwait(false);
        await foreach (var k in source.ReadAsync("BENCHUSDT", TimeRange.All).ConfigureAwait(false))
        {
            if (k.Close > 0)
            {
                n++;
            }
        }

        return n == Bars ? n : throw new InvalidOperationException($"read {n} bars, expected {Bars}");
    }

    private sealed class BarsPerSecond : ManualConfig
    {
        public BarsPerSecond() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
