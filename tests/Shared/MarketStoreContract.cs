using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;
using Xunit;

namespace QuantFeatures.Storage.Contract;

/// <summary>A clock the tests move by hand (fetched_at of every write).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public long NowMs => _now.ToUnixTimeMilliseconds();
}

/// <summary>
/// The rules every raw-data store keeps (issue 6), run by each adapter's test project against a fresh, empty store:
/// round trip, idempotent re-ingest, revisions with latest and as-of reads, features from the store equal features from
/// the CSV files, concurrent overlapping writers, hostile symbols. Adapter-specific tests (killed connections, the
/// store's own layout) live beside each derived class.
/// </summary>
public abstract class MarketStoreContract
{
    protected static readonly Timeframe H1 = Timeframe.Parse("1h");

    /// <summary>A fresh, empty, migrated store whose writes take their fetched_at from <paramref name="clock"/>.</summary>
    protected abstract Task<IMarketDataStore> CreateStoreAsync(TimeProvider clock);

    protected static ManualClock NewClock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static string Repo { get; } = FindRoot();

    public static string Sample(params string[] parts) => Path.Combine([Repo, "samples", "data", "binance-um-2025", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantFeatures.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (QuantFeatures.sln).");
    }

    public static async Task<List<T>> ReadAll<T>(IMarketDataSource<T> source, string symbol, TimeRange? range = null)
        where T : struct, IMarketRecord
    {
        var list = new List<T>();
        await foreach (var r in source.ReadAsync(symbol, range ?? TimeRange.All))
        {
            list.Add(r);
        }

        return list;
    }

    /// <summary>Synthetic records of every kind, with NaN fields, negative rates and odd values a store must not lose.</summary>
    public static class Records
    {
        public static readonly long T0 = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        public static Kline[] Bars(int n, long start = 0, bool optional = true)
        {
            var bars = new Kline[n];
            for (int i = 0; i < n; i++)
            {
                double c = 100 + Math.Sin(i * 0.1) * 5 + i * 1e-3;
                bars[i] = new Kline(T0 + (start + i) * 3_600_000, c - 0.25, c + 1.0 / 3, c - 0.5, c, 10 + i % 7,
                    optional ? c * (10 + i % 7) : double.NaN, optional ? i % 5 * 11 : double.NaN, optional ? (i % 7) * 0.4 : double.NaN,
                    optional ? c * (i % 7) * 0.4 : double.NaN);
            }

            return bars;
        }

        public static FundingSettlement[] Funding(int n) =>
            [.. Enumerable.Range(0, n).Select(i => new FundingSettlement(T0 + i * 8 * 3_600_000L + i % 3, (i % 4 - 1.5) * 1e-4, i % 2 == 0 ? 8 : double.NaN))];

        public static OpenInterestSnapshot[] OpenInterest(int n) =>
            [.. Enumerable.Range(0, n).Select(i => new OpenInterestSnapshot(T0 + i * 300_000L, 1e5 + i * 0.1, i % 9 == 0 ? double.NaN : 1e7 + i))];

        public static PositioningSnapshot[] Positioning(int n) =>
            [.. Enumerable.Range(0, n).Select(i => new PositioningSnapshot(T0 + i * 300_000L, 1 + i * 1e-3, i % 4 == 0 ? double.NaN : 0.9, 1.1, 0.5 + i % 3))];

        public static LiquidationEvent[] Liquidations(int n) =>
            [.. Enumerable.Range(0, n).Select(i => new LiquidationEvent(T0 + i * 61_000L / 2 * 2, i % 2 == 0 ? LiquidationSide.Long : LiquidationSide.Short, 100 + i * 0.01, 0.001 * (i + 1)))];

        public static ReferencePrice[] References(int n) =>
            [.. Enumerable.Range(0, 2 * n).Select(i => new ReferencePrice(T0 + (i / 2 + 1) * 3_600_000L, i % 2 == 0 ? ReferencePriceKind.Mark : ReferencePriceKind.Index, 100 + i * 0.5))];
    }

    [Fact]
    public async Task Round_trip_returns_every_kind_exactly()
    {
        await using var store = await CreateStoreAsync(NewClock());
        var bars = Records.Bars(500);
        var funding = Records.Funding(40);
        var oi = Records.OpenInterest(300);
        var pos = Records.Positioning(300);
        var liq = Records.Liquidations(200);
        var refs = Records.References(100);

        Assert.Equal(bars.Length, await store.KlineSink(H1).WriteAsync("BTCUSDT", bars));
        Assert.Equal(funding.Length, await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", funding));
        Assert.Equal(oi.Length, await store.Sink<OpenInterestSnapshot>().WriteAsync("BTCUSDT", oi));
        Assert.Equal(pos.Length, await store.Sink<PositioningSnapshot>().WriteAsync("BTCUSDT", pos));
        Assert.Equal(liq.Length, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", liq));
        Assert.Equal(refs.Length, await store.Sink<ReferencePrice>().WriteAsync("BTCUSDT", refs));

        var klines = await store.OpenKlinesAsync("BTCUSDT", H1);
        Assert.Equal(bars, await ReadAll(klines, "BTCUSDT"));
        Assert.Equal(H1, klines.TimeframeOf("BTCUSDT"));
        Assert.Equal(
            new[] { MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume }.Order(),
            klines.OptionalColumns.Order());
        Assert.Equal(funding, await ReadAll(store.Source<FundingSettlement>(), "BTCUSDT"));
        Assert.Equal(oi, await ReadAll(store.Source<OpenInterestSnapshot>(), "BTCUSDT"));
        Assert.Equal(pos, await ReadAll(store.Source<PositioningSnapshot>(), "BTCUSDT"));
        Assert.Equal(liq, await ReadAll(store.Source<LiquidationEvent>(), "BTCUSDT"));
        Assert.Equal(refs.OrderBy(r => r.Time).ThenBy(r => r.Kind), (await ReadAll(store.Source<ReferencePrice>(), "BTCUSDT")).OrderBy(r => r.Time).ThenBy(r => r.Kind));

        // A range reads only its part; another symbol or timeframe sees nothing.
        var range = new TimeRange(bars[100].Time, bars[200].Time);
        Assert.Equal(bars[100..200], await ReadAll(klines, "BTCUSDT", range));
        Assert.Empty(await ReadAll(await store.OpenKlinesAsync("ETHUSDT", H1), "ETHUSDT"));
        Assert.Empty(await ReadAll(await store.OpenKlinesAsync("BTCUSDT", Timeframe.Parse("5m")), "BTCUSDT"));
    }

    [Fact]
    public async Task Bars_without_optional_columns_read_back_without_them()
    {
        await using var store = await CreateStoreAsync(NewClock());
        var bars = Records.Bars(50, optional: false);
        await store.KlineSink(H1).WriteAsync("ETHUSDT", bars);
        var klines = await store.OpenKlinesAsync("ETHUSDT", H1);
        Assert.Empty(klines.OptionalColumns);
        Assert.Equal(bars, await ReadAll(klines, "ETHUSDT"));
    }

    [Fact]
    public async Task Re_ingesting_the_same_records_changes_nothing()
    {
        await using var store = await CreateStoreAsync(NewClock());
        var bars = Records.Bars(300);
        var liq = Records.Liquidations(100);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", liq);
        long barRows = await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1);
        long liqRows = await store.CountAsync(RecordKind.Liquidation, "BTCUSDT");
        Assert.Equal(300, barRows);
        Assert.Equal(100, liqRows);

        Assert.Equal(0, await store.KlineSink(H1).WriteAsync("BTCUSDT", bars));
        Assert.Equal(0, await store.KlineSink(H1).WriteAsync("BTCUSDT", bars[50..120].Concat(bars[10..20]).ToArray()));
        Assert.Equal(0, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", liq.Concat(liq).ToArray()));
        Assert.Equal(barRows, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Equal(liqRows, await store.CountAsync(RecordKind.Liquidation, "BTCUSDT"));

        // An overlapping backfill adds only the new bars.
        var more = Records.Bars(400);
        Assert.Equal(100, await store.KlineSink(H1).WriteAsync("BTCUSDT", more));
        Assert.Equal(400, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
    }

    [Fact]
    public async Task A_correction_is_a_new_revision_and_as_of_reads_see_the_old_state()
    {
        var clock = NewClock();
        await using var store = await CreateStoreAsync(clock);
        var bars = Records.Bars(100);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        long first = clock.NowMs;

        clock.Advance(TimeSpan.FromHours(1));
        var corrected = bars.ToArray();
        corrected[10] = corrected[10] with { Close = corrected[10].Close + 1, High = corrected[10].High + 1 };
        corrected[20] = corrected[20] with { Volume = double.NaN };
        Assert.Equal(2, await store.KlineSink(H1).WriteAsync("BTCUSDT", corrected));
        long second = clock.NowMs;

        clock.Advance(TimeSpan.FromHours(1));
        var again = corrected.ToArray();
        again[10] = again[10] with { Close = again[10].Close + 1, High = again[10].High + 1 };
        Assert.Equal(1, await store.KlineSink(H1).WriteAsync("BTCUSDT", again));
        Assert.Equal(0, await store.KlineSink(H1).WriteAsync("BTCUSDT", again));
        Assert.Equal(103, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));

        Assert.Equal(again, await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Equal(bars, await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1, new StoreReadOptions { AsOf = first }), "BTCUSDT"));
        Assert.Equal(corrected, await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1, new StoreReadOptions { AsOf = second + 1 }), "BTCUSDT"));
        Assert.Empty(await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1, new StoreReadOptions { AsOf = first - 1 }), "BTCUSDT"));

        var revisions = new List<StoredRecord<Kline>>();
        await foreach (var r in store.ReadRevisionsAsync<Kline>("BTCUSDT", new TimeRange(bars[10].Time, bars[11].Time), H1))
        {
            revisions.Add(r);
        }

        Assert.Equal([bars[10], corrected[10], again[10]], revisions.Select(r => r.Record));
        Assert.Equal([new RecordRevision(1, null, first), new RecordRevision(2, 1, second), new RecordRevision(3, 2, clock.NowMs)], revisions.Select(r => r.Revision));

        // Sparse kinds follow the same rule.
        var funding = Records.Funding(10);
        await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", funding);
        long f1 = clock.NowMs;
        clock.Advance(TimeSpan.FromMinutes(5));
        var fixedRate = funding.ToArray();
        fixedRate[3] = fixedRate[3] with { Rate = -0.0075 };
        Assert.Equal(1, await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", fixedRate));
        Assert.Equal(fixedRate, await ReadAll(store.Source<FundingSettlement>(), "BTCUSDT"));
        Assert.Equal(funding, await ReadAll(store.Source<FundingSettlement>(new StoreReadOptions { AsOf = f1 }), "BTCUSDT"));
    }

    [Fact]
    public async Task Within_one_batch_the_last_record_of_a_key_wins()
    {
        await using var store = await CreateStoreAsync(NewClock());
        var bars = Records.Bars(3);
        var batch = new[] { bars[0], bars[1], bars[1] with { Close = 1 }, bars[2] };
        Assert.Equal(3, await store.KlineSink(H1).WriteAsync("BTCUSDT", batch));
        Assert.Equal(new[] { bars[0], bars[1] with { Close = 1 }, bars[2] }, await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Equal(3, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
    }

    [Fact]
    public async Task Concurrent_overlapping_writers_leave_one_row_per_key_and_revision()
    {
        await using var store = await CreateStoreAsync(NewClock());
        var bars = Records.Bars(2_000);
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            // overlapping windows of the same bars: 0-799, 200-999, …
            await store.KlineSink(H1).WriteAsync("BTCUSDT", bars[(w * 200)..(w * 200 + 800)]);
            await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", Records.Liquidations(300)[(w * 30)..(w * 30 + 150)]);
        })).ToArray();
        await Task.WhenAll(writers);
        Assert.Equal(1_800, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Equal(300, await store.CountAsync(RecordKind.Liquidation, "BTCUSDT"));
        Assert.Equal(bars[..1_800], await ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));

        // Concurrent corrections of one key: every value becomes exactly one revision, numbered 1..n without gaps.
        var fixes = Enumerable.Range(1, 5).Select(k => Task.Run(() =>
            store.KlineSink(H1).WriteAsync("BTCUSDT", [bars[0] with { Close = bars[0].Close + k }]))).ToArray();
        await Task.WhenAll(fixes);
        var revisions = new List<StoredRecord<Kline>>();
        await foreach (var r in store.ReadRevisionsAsync<Kline>("BTCUSDT", new TimeRange(bars[0].Time, bars[0].Time + 1), H1))
        {
            revisions.Add(r);
        }

        Assert.Equal(Enumerable.Range(1, 6), revisions.Select(r => r.Revision.Revision));
        Assert.Equal(Enumerable.Range(1, 5).Select(k => (int?)k), revisions.Skip(1).Select(r => r.Revision.AmendedFrom));
    }

    [Theory]
    [InlineData("BTC'; DROP TABLE ohlcv;--")]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    [InlineData("BTC USDT")]
    [InlineData("BTC\"USDT")]
    public async Task Hostile_symbols_are_rejected_and_nothing_is_harmed(string symbol)
    {
        await using var store = await CreateStoreAsync(NewClock());
        await store.KlineSink(H1).WriteAsync("BTCUSDT", Records.Bars(10));
        await Assert.ThrowsAsync<ArgumentException>(() => store.KlineSink(H1).WriteAsync(symbol, Records.Bars(10)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Sink<FundingSettlement>().WriteAsync(symbol, Records.Funding(3)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ReadAll(await store.OpenKlinesAsync(symbol, H1), symbol));
        Assert.Equal(10, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
    }

    [Fact]
    public async Task Features_computed_from_the_store_equal_features_computed_from_the_csv_files()
    {
        await using var store = await CreateStoreAsync(NewClock());
        string klinesFile = Sample("1h", "BTCUSDT-1h.csv");
        string fundingFile = Sample("funding", "BTCUSDT-funding.csv");
        string markFile = Sample("mark-8h", "BTCUSDT-8h-mark.csv");
        var csvKlines = CsvSources.Klines(klinesFile);
        var csvFunding = CsvSources.Funding(fundingFile);
        var csvMark = CsvSources.ReferencePrices(ReferencePriceKind.Mark, [markFile]);

        await store.KlineSink(H1).WriteAsync("BTCUSDT", await ReadAll(csvKlines, "BTCUSDT"));
        await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", await ReadAll(csvFunding, "BTCUSDT"));
        await store.Sink<ReferencePrice>().WriteAsync("BTCUSDT", await ReadAll(csvMark, "BTCUSDT"));

        var fromCsv = await new MarketDataLoader(csvKlines).WithFunding(csvFunding).WithReferencePrices(csvMark).LoadAsync("BTCUSDT", H1, TimeRange.All);
        var fromStore = await new MarketDataLoader(await store.OpenKlinesAsync("BTCUSDT", H1)).WithFunding(store.Source<FundingSettlement>())
            .WithReferencePrices(store.Source<ReferencePrice>()).LoadAsync("BTCUSDT", H1, TimeRange.All);

        Assert.True(fromCsv.Length > 500, $"the BTCUSDT 1h sample gave only {fromCsv.Length} bars"); // the sample holds 719 bars
        Assert.Equal(fromCsv.Time.ToArray(), fromStore.Time.ToArray());
        Assert.Equal(fromCsv.Columns, fromStore.Columns);
        var a = new FeatureEngineer().ComputeAll(fromCsv);
        var b = new FeatureEngineer().ComputeAll(fromStore);
        Assert.Equal(a.Names, b.Names);
        for (int j = 0; j < a.ColumnCount; j++)
        {
            Assert.True(a[j].SequenceEqual(b[j]), $"feature {a.Names[j]} differs");
        }
    }
}
