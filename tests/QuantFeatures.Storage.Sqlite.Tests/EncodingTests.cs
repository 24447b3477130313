using Microsoft.Data.Sqlite;
using QuantFeatures.Data;
using QuantFeatures.Storage.Contract;
using Xunit;

namespace QuantFeatures.Storage.Sqlite.Tests;

/// <summary>Doubles round-trip bit for bit although SQLite turns NaN into NULL and a REAL column turns −0.0 into 0.</summary>
public sealed class EncodingTests
{
    private static readonly Timeframe H1 = Timeframe.OneHour;
    private static readonly double PositiveNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);
    private static readonly double PayloadNaN = BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001); // a signalling NaN

    private static readonly double[] Odd =
        [double.NaN, PositiveNaN, PayloadNaN, -0.0, 0.0, double.Epsilon, -double.Epsilon, 1e-310, double.MaxValue, double.MinValue,
            double.PositiveInfinity, double.NegativeInfinity, Math.PI, 3.0];

    private static bool SameBits(Kline a, Kline b) => RecordKeys.SameValues(a, b);

    [Fact]
    public async Task Every_bit_pattern_of_every_field_survives_and_rewriting_it_changes_nothing()
    {
        await using var store = await TempDir.NewStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        long t0 = MarketStoreContract.Records.T0;
        var bars = Odd.Select((v, i) => new Kline(t0 + i * 3_600_000L, v, v, v, v, v, v, v, v, v)).ToArray();
        Assert.Equal(bars.Length, await store.KlineSink(H1).WriteAsync("BTCUSDT", bars));
        var read = await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT");
        Assert.Equal(bars.Length, read.Count);
        for (int i = 0; i < bars.Length; i++)
        {
            Assert.True(SameBits(bars[i], read[i]), $"bar {i} ({BitConverter.DoubleToInt64Bits(Odd[i]):X16}) came back as {BitConverter.DoubleToInt64Bits(read[i].Open):X16}");
        }

        Assert.Equal(0, await store.KlineSink(H1).WriteAsync("BTCUSDT", bars)); // the stored form compares equal, bit for bit

        // +0 → −0 and one NaN → another are changes (new revisions), as RecordKeys.SameValues says.
        var flipped = bars.ToArray();
        flipped[4] = flipped[4] with { Close = -0.0 };
        flipped[1] = flipped[1] with { Close = double.NaN };
        Assert.Equal(2, await store.KlineSink(H1).WriteAsync("BTCUSDT", flipped));

        var funding = Odd.Select((v, i) => new FundingSettlement(t0 + i * 1000L, v, v)).ToArray();
        await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", funding);
        var readFunding = await MarketStoreContract.ReadAll(store.Source<FundingSettlement>(), "BTCUSDT");
        Assert.True(funding.Zip(readFunding).All(p => RecordKeys.SameValues(p.First, p.Second)));
        Assert.Equal(0, await store.Sink<FundingSettlement>().WriteAsync("BTCUSDT", funding));
    }

    [Fact]
    public async Task Liquidations_that_differ_only_in_the_sign_of_zero_or_the_NaN_payload_are_distinct_events()
    {
        await using var store = await TempDir.NewStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        long t = MarketStoreContract.Records.T0;
        LiquidationEvent[] events =
        [
            new(t, LiquidationSide.Long, 100, 0.0), new(t, LiquidationSide.Long, 100, -0.0), new(t, LiquidationSide.Long, double.NaN, 1),
            new(t, LiquidationSide.Long, PayloadNaN, 1), new(t, LiquidationSide.Short, 100, 0.0), new(t, LiquidationSide.Long, 100, 1),
        ];
        Assert.Equal(events.Length, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", events));
        Assert.Equal(0, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", events));
        Assert.Equal(0, await store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", [.. Enumerable.Repeat(events, 200).SelectMany(e => e)])); // range path
        Assert.Equal(events.Length, await store.CountAsync(RecordKind.Liquidation, "BTCUSDT"));
        var read = await MarketStoreContract.ReadAll(store.Source<LiquidationEvent>(), "BTCUSDT");
        Assert.Equal(events.Select(e => RecordKeys.Of(e)).ToHashSet(), read.Select(e => RecordKeys.Of(e)).ToHashSet());
    }

    [Fact]
    public async Task Plain_SQL_sees_numbers_and_NULL_for_NaN()
    {
        await using var store = await TempDir.NewStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        var bars = MarketStoreContract.Records.Bars(10, optional: false);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        using var c = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT typeof(close), typeof(quote_volume), SUM(close), COUNT(*) FROM klines WHERE symbol = 'BTCUSDT' GROUP BY 1, 2;";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("real", r.GetString(0));
        Assert.Equal("null", r.GetString(1));
        Assert.Equal(bars.Sum(b => b.Close), r.GetDouble(2), 9);
        Assert.Equal(10, r.GetInt64(3));
        Assert.False(r.Read());
    }

    [Fact]
    public async Task Small_and_large_batches_plan_the_same_revisions()
    {
        // ≤ 512 records look up each key; larger batches read their range once: both must give the same result.
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        await using var store = await TempDir.NewStoreAsync(clock);
        var bars = MarketStoreContract.Records.Bars(3_000);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", bars);
        clock.Advance(TimeSpan.FromMinutes(1));
        var fixedSmall = bars[..SqliteMarketStore.PointLookupLimit].Select((b, i) => i % 10 == 0 ? b with { Low = b.Low - 1 } : b).ToArray();
        var fixedLarge = bars[1_000..2_600].Select((b, i) => i % 10 == 0 ? b with { Low = b.Low - 1 } : b).ToArray();
        Assert.Equal((SqliteMarketStore.PointLookupLimit + 9) / 10, await store.KlineSink(H1).WriteAsync("BTCUSDT", fixedSmall));
        Assert.Equal(160, await store.KlineSink(H1).WriteAsync("BTCUSDT", fixedLarge));
        Assert.Equal(3_000 + (SqliteMarketStore.PointLookupLimit + 9) / 10 + 160, await store.CountAsync(RecordKind.Kline, "BTCUSDT", H1));
        var expected = bars.ToArray();
        fixedSmall.CopyTo(expected, 0);
        fixedLarge.CopyTo(expected, 1_000);
        Assert.Equal(expected, await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1), "BTCUSDT"));
        Assert.Equal(bars, await MarketStoreContract.ReadAll(await store.OpenKlinesAsync("BTCUSDT", H1, new StoreReadOptions { AsOf = 0 }), "BTCUSDT"));
    }

    [Fact]
    public async Task Optional_columns_follow_the_as_of_time()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddDays(1));
        await using var store = await TempDir.NewStoreAsync(clock);
        await store.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(10, optional: false));
        long before = clock.NowMs;
        clock.Advance(TimeSpan.FromHours(1));
        await store.KlineSink(H1).WriteAsync("BTCUSDT", MarketStoreContract.Records.Bars(5, start: 10));
        Assert.Empty((await store.OpenKlinesAsync("BTCUSDT", H1, new StoreReadOptions { AsOf = before })).OptionalColumns);
        Assert.Equal(4, (await store.OpenKlinesAsync("BTCUSDT", H1)).OptionalColumns.Count);
        Assert.Empty((await store.OpenKlinesAsync("BTCUSDT", Timeframe.Parse("4h"))).OptionalColumns);
    }

    [Fact]
    public async Task Out_of_range_enums_and_mismatched_sources_are_refused()
    {
        await using var store = await TempDir.NewStoreAsync(new ManualClock(DateTimeOffset.UnixEpoch));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Sink<ReferencePrice>().WriteAsync("BTCUSDT", [new ReferencePrice(1, (ReferencePriceKind)7, 1)]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Sink<LiquidationEvent>().WriteAsync("BTCUSDT", [new LiquidationEvent(1, (LiquidationSide)(-1), 1, 1)]));
        Assert.Equal(0, await store.CountAsync(RecordKind.ReferencePrice, "BTCUSDT"));
        Assert.Throws<NotSupportedException>(() => store.Sink<Kline>());
        Assert.Throws<NotSupportedException>(() => store.Source<Kline>());
        var source = await store.OpenKlinesAsync("BTCUSDT", H1);
        Assert.Null(source.TimeframeOf("ETHUSDT"));
        Assert.Throws<ArgumentException>(() => source.ReadAsync("ETHUSDT", TimeRange.All));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CountAsync(RecordKind.Kline, "BTCUSDT"));
        var features = FeatureMatrix.Create("BTC USDT", H1, [1], ["a"], [[1.0]]);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteFeaturesAsync(features));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadFeatureInfoAsync("../x", H1));
        var ok = FeatureMatrix.Create("BTCUSDT", H1, [1], ["a"], [[1.0]]);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteFeaturesAsync(ok, new FeatureSetInfo("v", new Dictionary<string, string>())));
    }
}
