using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QuantFeatures.Data;
using QuantFeatures.Storage.Parquet;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The Parquet store (default options: durable writes, 131,072-row groups, uncompressed feature files, Snappy bar
/// files) on 1,000,000 rows: writing and reading a 1,000,000 × 150 feature matrix (target ≤ 2 s each), ingesting and
/// reading 1,000,000 bars, and appending one bar to the 1,000,000-bar file (a byte copy of the file plus one row group).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ParquetStoreBenchmarks
{
    public const int Rows = 1_000_000;
    public const int Features = 150;

    private string _dir = null!;
    private Kline[] _bars = null!;
    private FeatureMatrix _features = null!;
    private ParquetMarketStore _read = null!;
    private ParquetMarketStore _scratch = null!;
    private long _nextTime;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "qf-parquet-bench-" + Environment.ProcessId);
        var frame = BenchData.Frame(Rows);
        var source = InMemoryKlineSource.FromFrame(frame);
        _bars = [.. source.ReadAsync(frame.Symbol, TimeRange.All).ToBlockingEnumerable()];
        var time = frame.Time.ToArray();
        var close = frame.Close;
        var columns = new double[Features][];
        for (int j = 0; j < Features; j++)
        {
            var col = columns[j] = new double[Rows];
            for (int i = 0; i < Rows; i++)
            {
                col[i] = i < j ? double.NaN : Math.Log(close[i] / close[i - j / 2]) * (1 + j * 1e-3);
            }
        }

        _features = FeatureMatrix.Create("BENCHUSDT", frame.Timeframe, time, [.. Enumerable.Range(0, Features).Select(j => $"feature_{j:D3}")], columns);
        _read = new ParquetMarketStore(Path.Combine(_dir, "read"));
        _read.WriteFeaturesAsync(_features).GetAwaiter().GetResult();
        _read.KlineSink(frame.Timeframe).WriteAsync("BENCHUSDT", _bars).GetAwaiter().GetResult();
        _nextTime = _bars[^1].Time;
        _scratch = new ParquetMarketStore(Path.Combine(_dir, "scratch"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [IterationSetup(Targets = [nameof(WriteFeatures), nameof(IngestBars)])]
    public void EmptyScratch()
    {
        if (Directory.Exists(_scratch.Root))
        {
            Directory.Delete(_scratch.Root, recursive: true);
        }
    }

    /// <summary>1,000,000 × 150 doubles into a new feature file.</summary>
    [Benchmark]
    public Task<long> WriteFeatures() => _scratch.WriteFeaturesAsync(_features);

    /// <summary>Every row and feature of the 1,000,000 × 150 file.</summary>
    [Benchmark]
    public async Task<int> ReadFeatures()
    {
        var m = await _read.ReadFeaturesAsync("BENCHUSDT", _features.Timeframe, TimeRange.All).ConfigureAwait(false);
        return m.RowCount * m.ColumnCount == Rows * Features ? m.RowCount : throw new InvalidOperationException("short read");
    }

    /// <summary>1,000,000 bars into a new bar file.</summary>
    [Benchmark]
    public Task<int> IngestBars() => _scratch.KlineSink(_features.Timeframe).WriteAsync("BENCHUSDT", _bars);

    /// <summary>Every bar of the 1,000,000-bar file, enumerated.</summary>
    [Benchmark]
    public async Task<int> ReadBars()
    {
        var source = await _read.OpenKlinesAsync("BENCHUSDT", _features.Timeframe).ConfigureAwait(false);
        int n = 0;
        await foreach (var k in source.ReadAsync("BENCHUSDT", TimeRange.All).ConfigureAwait(false))
        {
            n += k.Close > 0 ? 1 : 0;
        }

        return n >= Rows ? n : throw new InvalidOperationException($"read {n} bars");
    }

    /// <summary>One new bar appended to the 1,000,000-bar file (each invocation adds the next bar).</summary>
    [Benchmark]
    public Task<int> AppendOneBar()
    {
        _nextTime += _features.Timeframe.Milliseconds;
        return _read.KlineSink(_features.Timeframe).WriteAsync("BENCHUSDT", [_bars[^1] with { Time = _nextTime }]);
    }
}
