using System.Globalization;
using Npgsql;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using QuantFeatures.Storage.Postgres.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Postgres.Tests;

public sealed class PostgresStoreTests
{
    private static readonly Timeframe M1 = Timeframe.OneMinute;
    private static readonly Timeframe H1 = Timeframe.OneHour;

    private static ManualClock Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Kline[] MinuteBars(int n, long start)
    {
        var bars = new Kline[n];
        for (int i = 0; i < n; i++)
        {
            double c = 100 + (i % 1000) * 0.01;
            bars[i] = new Kline(start + i * 60_000L, c, c + 1, c - 1, c + 0.5, i % 13, c * (i % 13), i % 7, (i % 13) * 0.5, c * (i % 13) * 0.5);
        }

        return bars;
    }

    [Fact]
    public async Task Monthly_partitions_are_created_for_the_months_a_batch_touches_and_hold_its_rows()
    {
        await using var store = await TestStores.NewAsync(Clock());
        // Hourly bars from 2025-01-31 20:00 to 2025-03-01 03:00: three months (30 days = 720 bars would reach 03-02).
        long start = new DateTimeOffset(2025, 1, 31, 20, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var bars = Enumerable.Range(0, 680).Select(i => new Kline(start + i * 3_600_000L, 1, 2, 0.5, 1.5, 10)).ToArray();
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);

        // Expected: per UTC month of the bar times, computed here from the times.
        var expected = bars.GroupBy(b => DateTimeOffset.FromUnixTimeMilliseconds(b.Time).ToString("yyyy_MM", CultureInfo.InvariantCulture))
            .ToDictionary(g => "ohlcv_" + g.Key, g => (long)g.Count());
        Assert.Equal(3, expected.Count);

        var partitions = (await TestStores.RowsAsync(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = @p::regclass",
            ("p", $"{store.Schema}.ohlcv"))).ToDictionary(r => (string)r[0], r => (string)r[1]);
        Assert.Equal(expected.Keys.Order(), partitions.Keys.Order());
        Assert.Contains("FROM ('2025-02-01 00:00:00+00') TO ('2025-03-01 00:00:00+00')", partitions["ohlcv_2025_02"], StringComparison.Ordinal);

        var rows = (await TestStores.RowsAsync($"SELECT tableoid::regclass::text, count(*) FROM \"{store.Schema}\".ohlcv GROUP BY 1"))
            .ToDictionary(r => ((string)r[0]).Split('.')[^1], r => (long)r[1]);
        Assert.Equal(expected.OrderBy(e => e.Key), rows.OrderBy(e => e.Key));

        // Other tables only get the partitions they need; a feature write creates its own.
        var funding = new[] { new FundingSettlement(start, 1e-4), new FundingSettlement(start + 40L * 86_400_000, 2e-4) };
        await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", funding);
        var fundingParts = (await TestStores.RowsAsync(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = @p::regclass ORDER BY 1",
            ("p", $"{store.Schema}.funding_rate"))).Select(r => (string)r[0]);
        Assert.Equal(["funding_rate_2025_01", "funding_rate_2025_03"], fundingParts);
    }

    [Fact]
    public async Task Writers_of_different_symbols_creating_the_same_partitions_concurrently_all_succeed()
    {
        string schema = TestStores.NewSchema();
        await using var first = await TestStores.NewAsync(Clock(), schema: schema);
        var stores = new List<PostgresMarketStore> { first };
        for (int i = 1; i < 6; i++)
        {
            stores.Add(await TestStores.NewAsync(Clock(), migrate: false, schema: schema));
        }

        long start = new DateTimeOffset(2024, 11, 30, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var bars = MinuteBars(3 * 1440, start); // 2024-11-30 .. 2024-12-02
        using var go = new ManualResetEventSlim();
        var writes = stores.Select((s, i) => Task.Run(async () =>
        {
            go.Wait();
            return await s.KlineSink(M1).WriteAsync($"SYM{i}USDT", bars);
        })).ToArray();
        go.Set();
        Assert.All(await Task.WhenAll(writes), n => Assert.Equal(bars.Length, n));
        for (int i = 0; i < stores.Count; i++)
        {
            Assert.Equal(bars.Length, await first.CountAsync(RecordKind.Kline, $"SYM{i}USDT", M1));
        }

        foreach (var s in stores.Skip(1))
        {
            await s.DisposeAsync();
        }
    }

    /// <summary>Kills the writer's backend from a second connection while it runs <paramref name="statementPrefix"/>
    /// (the COPY into staging, or the INSERT … SELECT of the revision rule; or, for a batch with nothing stored in its
    /// span, the COPY straight into the table) and checks that nothing of the batch stays.</summary>
    [Theory]
    [InlineData("COPY", true)]
    [InlineData("WITH latest", true)]
    [InlineData("COPY", false)]
    public async Task A_connection_killed_mid_batch_leaves_no_partial_batch(string statementPrefix, bool overlapping)
    {
        string app = "qf-kill-" + Guid.NewGuid().ToString("N")[..12];
        await using var store = await TestStores.NewAsync(Clock(), applicationName: app);
        long start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var before = MinuteBars(1_000, overlapping ? start : start - 1_000 * 60_000L);
        await store.KlineSink(M1).WriteAsync("BTCUSDT", before);
        // A large batch: new bars after the stored ones, and (overlapping) corrections of the stored ones; otherwise
        // only bars after them, which take the direct COPY.
        var batch = MinuteBars(800_000, start).Select((b, i) => overlapping && i < 1_000 ? b with { Close = b.Close + 1 } : b).ToArray();

        await using var killer = await TestStores.ConnectAsync();
        var write = Task.Run(() => store.KlineSink(M1).WriteAsync("BTCUSDT", batch));
        int killed = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (killed == 0 && !write.IsCompleted && DateTime.UtcNow < deadline)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT pid FROM pg_stat_activity WHERE application_name = @app AND state = 'active' AND query LIKE @prefix", killer);
            cmd.Parameters.AddWithValue("app", app);
            cmd.Parameters.AddWithValue("prefix", statementPrefix + "%");
            if (await cmd.ExecuteScalarAsync() is int pid)
            {
                await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", killer);
                kill.Parameters.AddWithValue("pid", pid);
                Assert.True((bool)(await kill.ExecuteScalarAsync())!);
                killed = pid;
            }
            else
            {
                await Task.Delay(2);
            }
        }

        Assert.True(killed != 0, $"the writer's '{statementPrefix}' statement was not seen running (the batch finished first or never started)");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => write);

        Assert.Equal(before.Length, await store.CountAsync(RecordKind.Kline, "BTCUSDT", M1));
        Assert.Equal(before, await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", M1), "BTCUSDT"));
        Assert.Equal(0L, await TestStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".ohlcv WHERE revision > 1"));

        // The store is usable again and the same batch now lands whole.
        Assert.Equal(batch.Length, await store.KlineSink(M1).WriteAsync("BTCUSDT", batch));
        Assert.Equal(batch.Length + 1_000L, await store.CountAsync(RecordKind.Kline, "BTCUSDT", M1));
    }

    private static readonly double[] Odd =
    [
        double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0123), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0_0000_0000_0001)),
        -0.0, 0.0, double.Epsilon, -double.Epsilon, 1e-310, -2.2250738585072009e-308, double.MaxValue, double.MinValue,
        double.PositiveInfinity, double.NegativeInfinity, Math.PI, 0.1 + 0.2,
    ];

    [Fact]
    public async Task Doubles_round_trip_bit_for_bit_and_bitwise_changes_are_revisions()
    {
        var clock = Clock();
        await using var store = await TestStores.NewAsync(clock);
        long t0 = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var bars = new Kline[Odd.Length];
        for (int i = 0; i < Odd.Length; i++)
        {
            double v = Odd[i], w = Odd[(i + 5) % Odd.Length];
            bars[i] = new Kline(t0 + i * 3_600_000L, v, w, v, w, v, w, v, w, v);
        }

        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        var back = await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT");
        Assert.Equal(bars.Length, back.Count);
        for (int i = 0; i < bars.Length; i++)
        {
            Assert.Equal(Bits(bars[i]), Bits(back[i]));
        }

        // The server holds float8 with the same bits (independent of the driver's reading): float8send is big-endian IEEE 754.
        var stored = await TestStores.RowsAsync($"SELECT float8send(open) FROM \"{store.Schema}\".ohlcv ORDER BY time");
        Assert.Equal(Odd.Select(v => BitConverter.DoubleToInt64Bits(v)), stored.Select(r => System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian((byte[])r[0])));
        Assert.True(await TestStores.ScalarAsync<bool>($"SELECT open = 'NaN'::float8 FROM \"{store.Schema}\".ohlcv WHERE time = @t", ("t", DateTime.UnixEpoch.AddMilliseconds(t0))));

        // Equal bits: no-op. −0 → +0 and one NaN payload → another are changes (SQL's = would call them equal).
        Assert.Equal(0, await store.KlineSink(H1).WriteAsync("BTCUSDT", bars));
        clock.Advance(TimeSpan.FromMinutes(1));
        var changed = bars.ToArray();
        int negZero = Array.FindIndex(Odd, v => BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(-0.0));
        changed[negZero] = changed[negZero] with { Open = 0.0 };
        changed[2] = changed[2] with { Open = double.NaN };
        Assert.Equal(2, await store.KlineSink(H1).WriteAsync("BTCUSDT", changed));
        var latest = await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT");
        Assert.Equal(changed.Select(Bits), latest.Select(Bits));

        // Liquidations: the whole event, compared bit for bit, is the key — 0 and −0 are two events.
        var liq = new[]
        {
            new LiquidationEvent(t0, LiquidationSide.Long, 0.0, 1), new LiquidationEvent(t0, LiquidationSide.Long, -0.0, 1),
            new LiquidationEvent(t0, LiquidationSide.Short, 5e-324, double.NaN),
        };
        Assert.Equal(3, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", liq));
        Assert.Equal(0, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", liq));
        var liqBack = await MarketStoreContract.ReadAll(store.Source<LiquidationEvent>(), "BTCUSDT");
        Assert.Equal(liq.Select(e => (e.Side, BitConverter.DoubleToInt64Bits(e.Price), BitConverter.DoubleToInt64Bits(e.Quantity))).Order(),
            liqBack.Select(e => (e.Side, BitConverter.DoubleToInt64Bits(e.Price), BitConverter.DoubleToInt64Bits(e.Quantity))).Order());
    }

    private static long[] Bits(Kline k) =>
    [
        k.Time, BitConverter.DoubleToInt64Bits(k.Open), BitConverter.DoubleToInt64Bits(k.High), BitConverter.DoubleToInt64Bits(k.Low),
        BitConverter.DoubleToInt64Bits(k.Close), BitConverter.DoubleToInt64Bits(k.Volume), BitConverter.DoubleToInt64Bits(k.QuoteVolume),
        BitConverter.DoubleToInt64Bits(k.Trades), BitConverter.DoubleToInt64Bits(k.TakerBuyVolume), BitConverter.DoubleToInt64Bits(k.TakerBuyQuoteVolume),
    ];

    [Theory]
    [InlineData("BTC'; DROP TABLE ohlcv;--")]
    [InlineData("BTC\"; DROP SCHEMA quantfeatures CASCADE;--")]
    [InlineData("BTC\0USDT")]
    [InlineData(".BTC")]
    public async Task Hostile_symbols_are_rejected_by_every_method_before_any_io(string symbol)
    {
        // Nothing listens on port 1: a method that did I/O before validating would fail with a connection error instead.
        await using var offline = new PostgresMarketStore("Host=127.0.0.1;Port=1;Username=x;Timeout=2");
        var features = FeatureMatrix.Create(symbol, H1, [0], ["a"], [[1.0]]);
        await Assert.ThrowsAsync<ArgumentException>(() => offline.KlineSink(H1).WriteAsync(symbol, [new Kline(0, 1, 1, 1, 1, 1)]));
        await Assert.ThrowsAsync<ArgumentException>(() => offline.Sink<LiquidationEvent>().WriteAsync(symbol, []));
        await Assert.ThrowsAsync<ArgumentException>(() => offline.OpenKlinesAsync(symbol, H1));
        Assert.Throws<ArgumentException>(() => offline.Source<FundingSettlement>().ReadAsync(symbol, TimeRange.All));
        Assert.Throws<ArgumentException>(() => offline.ReadRevisionsAsync<OpenInterestSnapshot>(symbol, TimeRange.All));
        await Assert.ThrowsAsync<ArgumentException>(() => offline.CountAsync(RecordKind.Positioning, symbol));
        await Assert.ThrowsAsync<ArgumentException>(() => offline.WriteFeaturesAsync(features));
        await Assert.ThrowsAsync<ArgumentException>(() => offline.ReadFeaturesAsync(symbol, H1, TimeRange.All));
        await Assert.ThrowsAsync<ArgumentException>(() => offline.ReadFeatureInfoAsync(symbol, H1));

        // And a real store is unharmed: its tables and rows are still there.
        await using var store = await TestStores.NewAsync(Clock());
        await store.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(5));
        await Assert.ThrowsAsync<ArgumentException>(() => store.KlineSink(H1).WriteAsync(symbol, MarketStoreContract.Records.Bars(5)));
        Assert.Equal(5, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        Assert.Equal(1L, await TestStores.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = @s", ("s", store.Schema)));
    }

    [Fact]
    public async Task Bad_input_is_a_clear_exception()
    {
        await using var store = await TestStores.NewAsync(Clock());
        Assert.Throws<NotSupportedException>(() => store.Sink<Kline>());
        Assert.Throws<NotSupportedException>(() => store.Source<Kline>());
        await Assert.ThrowsAsync<ArgumentException>(() => store.CountAsync(RecordKind.Kline, "BTCUSDT"));
        Assert.Throws<ArgumentException>(() => store.ReadRevisionsAsync<Kline>("BTCUSDT", TimeRange.All));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.KlineSink(H1).WriteAsync("BTCUSDT", null!));
        var far = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.KlineSink(H1).WriteAsync("BTCUSDT", [new Kline(long.MaxValue / 2, 1, 1, 1, 1, 1)]));
        Assert.Contains("Record 0", far.Message, StringComparison.Ordinal);
        var side = await Assert.ThrowsAsync<ArgumentException>(() => store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", [new LiquidationEvent(0, (LiquidationSide)7, 1, 1)]));
        Assert.Contains("side", side.Message, StringComparison.Ordinal);
        var source = await store.OpenKlinesAsync("BTCUSDT", H1);
        Assert.Throws<ArgumentException>(() => source.ReadAsync("ETHUSDT", TimeRange.All));
        Assert.Equal(0, await store.KlineSink(H1).WriteAsync("BTCUSDT", []));
        Assert.Equal(0, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadFeaturesAsync("BTCUSDT", H1, TimeRange.All, ["x", "x"]));
        Assert.Throws<ArgumentException>(() => new PostgresMarketStore("Host=127.0.0.1", new PostgresStoreOptions { CompressAfter = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Revisions_are_stored_rows_never_overwritten()
    {
        var clock = Clock();
        await using var store = await TestStores.NewAsync(clock);
        var oi = MarketStoreContract.Records.OpenInterest(20);
        await store.Sink<OpenInterestSnapshot>().WriteAsync("ETHUSDT", oi);
        for (int k = 1; k <= 3; k++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            var next = oi.ToArray();
            next[7] = next[7] with { OpenInterest = oi[7].OpenInterest + k };
            Assert.Equal(1, await store.Sink<OpenInterestSnapshot>().WriteAsync("ETHUSDT", next));
        }

        var rows = await TestStores.RowsAsync(
            $"SELECT revision, amended_from, open_interest FROM \"{store.Schema}\".open_interest WHERE time = @t ORDER BY revision",
            ("t", DateTime.UnixEpoch.AddMilliseconds(oi[7].Time)));
        Assert.Equal([1, 2, 3, 4], rows.Select(r => (int)r[0]));
        Assert.Equal([null, 1, 2, 3], rows.Select(r => r[1] is DBNull ? (int?)null : (int)r[1]));
        Assert.Equal(Enumerable.Range(0, 4).Select(k => oi[7].OpenInterest + k), rows.Select(r => (double)r[2]));
        Assert.Equal(23, await store.CountAsync(RecordKind.OpenInterest, "ETHUSDT"));
    }
}
