using BenchmarkDotNet.Attributes;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// Parsing 1,000,000 Binance 12-column kline rows (headerless, as in the archives; 107 MB of text, 42 MB zipped) from
/// a file through the public source, enumerating every <see cref="Kline"/>. Rows/s = 1e6 / Mean; target ≥ 1,000,000
/// rows/s for plain CSV. Allocation should stay O(1) in the row count (one 64 KiB buffer and one record batch).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[WarmupCount(2)]
[IterationCount(10)]
public class CsvBenchmarks
{
    public const int Rows = 1_000_000;

    private string _dir = null!;
    private string _csv = null!;
    private string _zip = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "qf-csv-bench-" + Environment.ProcessId);
        var market = SyntheticMarket.Generate("BENCHUSDT", Timeframe.OneMinute, Rows, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 42);
        _csv = Path.Combine(_dir, "BENCHUSDT-1m.csv");
        _zip = Path.Combine(_dir, "BENCHUSDT-1m-2024-01.zip");
        BinanceCsvWriter.WriteFile(_csv, w => BinanceCsvWriter.WriteKlines(w, market.Klines, Timeframe.OneMinute, header: false));
        BinanceCsvWriter.WriteFile(_zip, w => BinanceCsvWriter.WriteKlines(w, market.Klines, Timeframe.OneMinute, header: false));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>A plain .csv file.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> ParseKlinesCsv() => Count(_csv);

    /// <summary>The same rows in a Binance-style .zip (inflate included).</summary>
    [Benchmark]
    public Task<int> ParseKlinesZip() => Count(_zip);

    private static async Task<int> Count(string path)
    {
        int n = 0;
        await foreach (var k in CsvSources.Klines(path).ReadAsync("BENCHUSDT", TimeRange.All).ConfigureAwait(false))
        {
            if (k.Close > 0)
            {
                n++;
            }
        }

        return n == Rows ? n : throw new InvalidOperationException($"parsed {n} rows, expected {Rows}");
    }
}
