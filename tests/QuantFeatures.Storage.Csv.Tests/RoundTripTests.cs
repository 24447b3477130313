using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

/// <summary>Write → read gives identical records, for every writer, container and the file sinks.</summary>
public class RoundTripTests
{
    private static Gen<double> Value(bool allowNaN) => Gen.OneOf(
        ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => f.Get),
        Gen.Choose(0, 100_000_000).Select(i => i / 1000.0),
        allowNaN ? Gen.Constant(double.NaN) : Gen.Choose(1, 9).Select(i => (double)i));

    private static Gen<Kline> KlineGen(long time) =>
        from o in Value(false)
        from h in Value(false)
        from l in Value(false)
        from c in Value(false)
        from v in Value(true)
        from qv in Value(true)
        from n in Value(true)
        from tb in Value(true)
        from tbq in Value(true)
        select new Kline(time, o, h, l, c, v, qv, n, tb, tbq);

    private static Gen<Kline[]> KlinesGen() =>
        from count in Gen.Choose(1, 40)
        from bars in Gen.CollectToSequence(Enumerable.Range(0, count).Select(i => KlineGen(1746057600000L + (i * 3_600_000L))))
        select bars.ToArray();

    [Property(MaxTest = 200)]
    public Property Klines_round_trip_in_every_container()
    {
        var containers = Gen.Elements(".csv", ".csv.gz", ".zip");
        return Prop.ForAll(Arb.From(KlinesGen()), Arb.From(containers), Arb.From(ArbMap.Default.GeneratorFor<bool>()), (klines, ext, header) =>
        {
            using var dir = new TempDir();
            string path = dir.File("BTCUSDT-1h-x" + ext);
            BinanceCsvWriter.WriteFile(path, w => BinanceCsvWriter.WriteKlines(w, klines, Timeframe.OneHour, header));
            return Read.All(CsvSources.Klines(path)).SequenceEqual(klines);
        });
    }

    [Property(MaxTest = 200)]
    public Property Funding_metrics_and_liquidations_round_trip()
    {
        var gen =
            from n in Gen.Choose(1, 30)
            from rates in Gen.ArrayOf(Value(false), n)
            from hours in Gen.ArrayOf(Gen.Elements(1.0, 4.0, 8.0, double.NaN), n)
            from oi in Gen.ArrayOf(Value(true), n)
            from ratios in Gen.ArrayOf(Value(true), n)
            from sides in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), n)
            from jitter in Gen.ArrayOf(Gen.Choose(0, 999), n)
            select (n, rates, hours, oi, ratios, sides, jitter);
        return Prop.ForAll(Arb.From(gen), g =>
        {
            var funding = Enumerable.Range(0, g.n).Select(i => new FundingSettlement(1746057600000L + (i * 3_600_000L) + g.jitter[i], g.rates[i], g.hours[i])).ToList();
            var oi = Enumerable.Range(0, g.n).Select(i => new OpenInterestSnapshot(1746057600000L + (i * 300_000L) + g.jitter[i], g.oi[i], g.ratios[i])).ToList();
            var pos = Enumerable.Range(0, g.n).Select(i => new PositioningSnapshot(1746057600000L + (i * 300_000L) + g.jitter[i], g.ratios[i], g.oi[i], 1.5, double.NaN)).ToList();
            var liq = Enumerable.Range(0, g.n).Select(i => new LiquidationEvent(1746057600000L + g.jitter[i], g.sides[i] ? LiquidationSide.Long : LiquidationSide.Short,
                Math.Abs(g.rates[i]), Math.Abs(g.ratios[i] is double.NaN ? 1 : g.ratios[i]))).ToList();
            using var dir = new TempDir();
            BinanceCsvWriter.WriteFile(dir.File("f.zip"), w => BinanceCsvWriter.WriteFundingRate(w, funding));
            BinanceCsvWriter.WriteFile(dir.File("m.csv.gz"), w => BinanceCsvWriter.WriteMetrics(w, "BTCUSDT", oi, pos));
            BinanceCsvWriter.WriteFile(dir.File("l.csv"), w => BinanceCsvWriter.WriteLiquidationSnapshot(w, liq, header: false));
            return Read.All(CsvSources.Funding(dir.File("f.zip"))).SequenceEqual(funding)
                && Read.All(CsvSources.OpenInterest(dir.File("m.csv.gz"))).SequenceEqual(oi)
                && Read.All(CsvSources.Positioning(dir.File("m.csv.gz"))).SequenceEqual(pos)
                && Read.All(CsvSources.Liquidations(dir.File("l.csv"))).SequenceEqual(liq);
        });
    }

    [Fact]
    public void Metrics_writer_joins_on_time_and_writes_binance_text()
    {
        using var dir = new TempDir();
        var t = Read.Ms(2025, 5, 1, 0, 5);
        BinanceCsvWriter.WriteFile(dir.File("m.csv"), w => BinanceCsvWriter.WriteMetrics(w, "BTCUSDT",
            [new OpenInterestSnapshot(t, 80123.456, 7553893213.615)],
            [new PositioningSnapshot(t, 2.1001, 1.8513, 1.2345, 0.9876), new PositioningSnapshot(t + 300_000, 2, 1, 1, 1)]));
        Assert.Equal(
            "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio\n"
            + "2025-05-01 00:05:00,BTCUSDT,80123.456,7553893213.615,1.8513,1.2345,2.1001,0.9876\n"
            + "2025-05-01 00:10:00,BTCUSDT,,,1,1,2,1\n", File.ReadAllText(dir.File("m.csv")));
    }

    [Fact]
    public void Kline_writer_text_is_binance_layout()
    {
        using var dir = new TempDir();
        BinanceCsvWriter.WriteFile(dir.File("k.csv"), w => BinanceCsvWriter.WriteKlines(w,
            [new Kline(1746057600000, 94172.5, 94250.4, 94160.1, 94218.8, 120.551, 11355431.8194, 2563, 60.112, 5662418.1728)], Timeframe.OneMinute, header: false));
        Assert.Equal("1746057600000,94172.5,94250.4,94160.1,94218.8,120.551,1746057659999,11355431.8194,2563,60.112,5662418.1728,0\n", File.ReadAllText(dir.File("k.csv")));
    }

    [Fact]
    public async Task Sinks_are_idempotent_and_merge()
    {
        using var dir = new TempDir();
        var archive = new BinanceArchiveDirectory(dir.Path);
        var sink = archive.KlineSink(Timeframe.OneHour);
        var a = new Kline(Read.Ms(2025, 5, 1, 0), 1, 2, 0.5, 1.5, 10, 15, 3, 4, 6);
        var b = new Kline(Read.Ms(2025, 5, 1, 1), 1.5, 2, 1, 2, 11);
        var c = new Kline(Read.Ms(2025, 5, 1, 2), 2, 3, 2, 3, 12);
        Assert.Equal(2, await sink.WriteAsync("BTCUSDT", [b, a]));
        byte[] before = File.ReadAllBytes(dir.File("BTCUSDT-1h.csv"));
        Assert.Equal(0, await sink.WriteAsync("BTCUSDT", [a, b]));
        Assert.Equal(before, File.ReadAllBytes(dir.File("BTCUSDT-1h.csv")));
        var b2 = b with { Close = 1.9 };
        Assert.Equal(2, await sink.WriteAsync("BTCUSDT", [a, b2, c]));
        Assert.Equal([a, b2, c], await Read.AllAsync(archive.Klines(Timeframe.OneHour)));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        // Open interest and positioning share the metrics file and keep each other's columns.
        var t = Read.Ms(2025, 5, 1, 0, 5);
        Assert.Equal(1, await archive.OpenInterestSink().WriteAsync("BTCUSDT", [new OpenInterestSnapshot(t, 5, 50)]));
        Assert.Equal(2, await archive.PositioningSink().WriteAsync("BTCUSDT", [new PositioningSnapshot(t, 1.1, 1.2, 1.3, 1.4), new PositioningSnapshot(t + 300_000, 2)]));
        Assert.Equal(0, await archive.OpenInterestSink().WriteAsync("BTCUSDT", [new OpenInterestSnapshot(t, 5, 50)]));
        Assert.Equal([new OpenInterestSnapshot(t, 5, 50), new OpenInterestSnapshot(t + 300_000, double.NaN, double.NaN)], await Read.AllAsync(archive.OpenInterest()));
        Assert.Equal(new PositioningSnapshot(t, 1.1, 1.2, 1.3, 1.4), (await Read.AllAsync(archive.Positioning()))[0]);

        // Liquidations are a set: a duplicate in the batch or on disk is not new.
        var e = new LiquidationEvent(t, LiquidationSide.Long, 100, 1);
        Assert.Equal(1, await archive.LiquidationSink().WriteAsync("BTCUSDT", [e, e]));
        Assert.Equal(1, await archive.LiquidationSink().WriteAsync("BTCUSDT", [e, e with { Quantity = 2 }]));
        Assert.Equal(2, (await Read.AllAsync(archive.Liquidations())).Count);

        var f = new FundingSettlement(t + 8, 0.0001, 8);
        Assert.Equal(1, await archive.FundingSink().WriteAsync("BTCUSDT", [f]));
        Assert.Equal([f], await Read.AllAsync(archive.Funding()));

        await Assert.ThrowsAsync<ArgumentException>(() => archive.FundingSink().WriteAsync("../evil", [f]));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file()
    {
        using var dir = new TempDir();
        string path = dir.File("BTCUSDT-fundingRate.csv");
        BinanceCsvWriter.WriteFile(path, w => BinanceCsvWriter.WriteFundingRate(w, [new FundingSettlement(1, 0.1, 8)]));
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => BinanceCsvWriter.WriteFile(path, w =>
        {
            w.Write("calc_time,funding_interval_hours,last_funding_rate\n2,8,");
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
