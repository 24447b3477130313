using BenchmarkDotNet.Attributes;
using Npgsql;
using QuantFeatures.Data;
using QuantFeatures.Storage;
using QuantFeatures.Storage.Postgres;
using QuantFeatures.Storage.Postgres.Testing;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The PostgreSQL store with 1,000,000 1m bars of one symbol (≈ 23 monthly partitions): a first ingest into an empty
/// schema as one atomic batch (binary COPY into staging, then the revision rule's INSERT … SELECT; partition creation
/// included), a re-ingest of the same bars (the idempotent no-op: every bar joined with its latest revision, none
/// inserted), and reads of all bars (latest, and as of a time). Bars/s = 1e6 / Mean; target ≥ 200,000 bars/s ingest.
/// Server: <c>QF_POSTGRES</c>, else a throwaway server from the installed binaries with durable settings (fsync on).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
[MemoryDiagnoser]
public class PostgresStoreBenchmarks
{
    public const int Bars = 1_000_000;
    private const string Symbol = "BENCHUSDT";

    private string _cs = null!;
    private Kline[] _bars = null!;
    private PostgresMarketStore _store = null!;
    private string _schema = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _cs = Environment.GetEnvironmentVariable(PostgresServer.EnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : PostgresServer.StartDurableAsync().GetAwaiter().GetResult();
        _bars = [.. SyntheticMarket.Generate(Symbol, Timeframe.OneMinute, Bars, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 42).Klines];
    }

    [IterationSetup(Targets = [nameof(IngestIntoEmptySchema)])]
    public void FreshSchema() => NewSchema(withBars: false);

    [IterationSetup(Targets = [nameof(ReingestUnchanged), nameof(ReadLatest), nameof(ReadAsOf)])]
    public void FilledSchema()
    {
        if (_store is null)
        {
            NewSchema(withBars: true);
        }
    }

    private void NewSchema(bool withBars)
    {
        DropSchema();
        _schema = $"bench_{Environment.ProcessId}_{_round++}";
        _store = new PostgresMarketStore(_cs, new PostgresStoreOptions { Schema = _schema });
        _store.MigrateAsync().GetAwaiter().GetResult();
        if (withBars)
        {
            _store.KlineSink(Timeframe.OneMinute).WriteAsync(Symbol, _bars).GetAwaiter().GetResult();
        }
    }

    private void DropSchema()
    {
        if (_store is null)
        {
            return;
        }

        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var conn = new NpgsqlConnection(_cs);
        conn.Open();
        using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", conn);
        cmd.ExecuteNonQuery();
        _store = null!;
    }

    [GlobalCleanup]
    public void Cleanup() => DropSchema();

    /// <summary>First ingest of 1,000,000 bars as one batch.</summary>
    [Benchmark]
    public Task<int> IngestIntoEmptySchema() => _store.KlineSink(Timeframe.OneMinute).WriteAsync(Symbol, _bars);

    /// <summary>The same 1,000,000 bars again: nothing changes, every bar compared with its stored revision.</summary>
    [Benchmark]
    public Task<int> ReingestUnchanged() => _store.KlineSink(Timeframe.OneMinute).WriteAsync(Symbol, _bars);

    /// <summary>All 1,000,000 bars, latest revision.</summary>
    [Benchmark]
    public async Task<int> ReadLatest() => await Count(StoreReadOptions.Latest).ConfigureAwait(false);

    /// <summary>All 1,000,000 bars as known at a time (the fetched_at filter).</summary>
    [Benchmark]
    public async Task<int> ReadAsOf() => await Count(new StoreReadOptions { AsOf = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }).ConfigureAwait(false);

    private async Task<int> Count(StoreReadOptions options)
    {
        int n = 0;
        var source = await _store.OpenKlinesAsync(Symbol, Timeframe.OneMinute, options).ConfigureAwait(false);
        await foreach (var _ in source.ReadAsync(Symbol, TimeRange.All).ConfigureAwait(false))
        {
            n++;
        }

        return n == Bars ? n : throw new InvalidOperationException($"{n} bars read, {Bars} stored");
    }
}
