using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

public class SyntheticMarketTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static SyntheticMarket Market(ulong seed = 7, int bars = 3 * 24 * 12, string tf = "5m", double price = 30_000) =>
        SyntheticMarket.Generate("SYNTHUSDT", Timeframe.Parse(tf), bars, Start, seed, price);

    [Theory]
    [InlineData(1UL, "1m", 4000, 30_000.0)]
    [InlineData(2UL, "5m", 864, 2_500.0)]
    [InlineData(3UL, "1h", 200, 0.5)]
    public void Klines_are_consistent(ulong seed, string tf, int bars, double price)
    {
        var m = Market(seed, bars, tf, price);
        var step = Timeframe.Parse(tf).Milliseconds;
        Assert.Equal(bars, m.Klines.Count);
        for (int i = 0; i < bars; i++)
        {
            var k = m.Klines[i];
            Assert.Equal(Start.ToUnixTimeMilliseconds() + (i * step), k.Time);
            Assert.True(k.High >= Math.Max(k.Open, k.Close) && k.Low <= Math.Min(k.Open, k.Close) && k.Low > 0, $"bar {i}: {k}");
            Assert.True(k.Volume > 0 && k.TakerBuyVolume >= 0 && k.TakerBuyVolume <= k.Volume, $"bar {i}: {k}");
            Assert.True(k.QuoteVolume >= (k.Low * k.Volume) - 1e-4 && k.QuoteVolume <= (k.High * k.Volume) + 1e-4, $"bar {i}: {k}");
            Assert.True(k.TakerBuyQuoteVolume <= k.QuoteVolume + 1e-4 && k.Trades >= 1 && k.Trades == Math.Floor(k.Trades), $"bar {i}: {k}");
            if (i > 0)
            {
                Assert.Equal(m.Klines[i - 1].Close, k.Open);
            }

            foreach (var r in new[] { m.MarkPriceKlines[i], m.IndexPriceKlines[i] })
            {
                Assert.Equal(k.Time, r.Time);
                Assert.True(r.High >= Math.Max(r.Open, r.Close) && r.Low <= Math.Min(r.Open, r.Close));
                Assert.True(Math.Abs((r.Close / k.Close) - 1) < 0.02);
            }
        }
    }

    [Fact]
    public void Funding_changes_interval_and_carries_jitter()
    {
        var m = Market();
        var f = m.Funding;
        var intervals = f.Select(s => s.IntervalHours).Distinct().ToList();
        Assert.Equal([8.0, 4.0, 1.0], intervals);
        long previousGrid = long.MinValue;
        foreach (var s in f)
        {
            long jitter = s.Time % 3_600_000L;
            Assert.InRange(jitter, 0, 15);
            long grid = s.Time - jitter;
            Assert.Equal(0, grid % (long)(s.IntervalHours * 3_600_000L));
            if (previousGrid != long.MinValue)
            {
                Assert.Equal(s.IntervalHours * 3_600_000L, grid - previousGrid);
            }

            previousGrid = grid;
            Assert.True(s.Time >= m.Start && s.Time < m.End);
        }

        Assert.Contains(f, s => s.Time % 1000 != 0);
        Assert.Contains(f, s => s.Time % 1000 == 0);
    }

    [Fact]
    public void Metrics_every_five_minutes_with_gaps()
    {
        var m = Market();
        var oi = m.OpenInterest;
        Assert.Equal(oi.Select(o => o.Time), m.Positioning.Select(p => p.Time));
        Assert.All(oi, o => Assert.Equal(0, o.Time % 300_000));
        var gaps = oi.Zip(oi.Skip(1), (a, b) => b.Time - a.Time).ToList();
        Assert.Contains(gaps, g => g == 300_000);
        Assert.Contains(gaps, g => g >= 3_900_000); // the missing hour
        Assert.InRange(oi.Count, (int)((m.End - m.Start) / 300_000 * 0.9), (int)((m.End - m.Start) / 300_000) - 12);
        Assert.All(oi, o => Assert.True(o.OpenInterest > 0 && o.OpenInterestValue > 0));
        Assert.All(m.Positioning, p => Assert.True(p.LongShortRatio > 0 && p.TopTraderLongShortRatio > 0 && p.TopTraderPositionRatio > 0));
    }

    [Fact]
    public void Liquidations_lie_in_their_bar_and_include_exact_duplicates()
    {
        var m = Market();
        var step = m.Timeframe.Milliseconds;
        var byTime = m.Klines.ToDictionary(k => k.Time);
        foreach (var e in m.Liquidations)
        {
            var k = byTime[e.Time - ((e.Time - m.Start) % step)];
            Assert.InRange(e.Price, k.Low, k.High);
            Assert.True(e.Quantity > 0);
        }

        Assert.True(m.Liquidations.Zip(m.Liquidations.Skip(1)).All(p => p.First.Time <= p.Second.Time));
        int duplicates = m.Liquidations.Count - m.Liquidations.Distinct().Count();
        Assert.InRange(duplicates, 1, m.Liquidations.Count / 5);
        Assert.Contains(m.Liquidations, e => e.Side == LiquidationSide.Long);
        Assert.Contains(m.Liquidations, e => e.Side == LiquidationSide.Short);
    }

    [Theory]
    [InlineData(SyntheticArchiveLayout.FlatCsv)]
    [InlineData(SyntheticArchiveLayout.DailyZip)]
    public void Same_seed_gives_byte_identical_files(SyntheticArchiveLayout layout)
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        var filesA = SyntheticArchiveWriter.Write(Market(11), a.Path, layout);
        var filesB = SyntheticArchiveWriter.Write(Market(11), b.Path, layout);
        var filesC = SyntheticArchiveWriter.Write(Market(12), c.Path, layout);
        Assert.Equal(filesA.Select(f => Path.GetRelativePath(a.Path, f)), filesB.Select(f => Path.GetRelativePath(b.Path, f)));
        Assert.True(filesA.Count >= (layout == SyntheticArchiveLayout.FlatCsv ? 6 : 15));
        for (int i = 0; i < filesA.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(filesA[i]), File.ReadAllBytes(filesB[i]));
        }

        Assert.NotEqual(File.ReadAllBytes(filesA[0]), File.ReadAllBytes(filesC[0]));
    }

    [Theory]
    [InlineData(SyntheticArchiveLayout.FlatCsv)]
    [InlineData(SyntheticArchiveLayout.DailyZip)]
    public void Written_archive_reads_back_to_the_same_records(SyntheticArchiveLayout layout)
    {
        var m = Market(5);
        using var dir = new TempDir();
        SyntheticArchiveWriter.Write(m, dir.Path, layout);
        var archive = new BinanceArchiveDirectory(dir.Path);
        const string S = "SYNTHUSDT";
        Assert.Equal(["SYNTHUSDT"], archive.Symbols());
        Assert.Equal(m.Klines, Read.All(archive.Klines(m.Timeframe), S));
        Assert.Equal(m.MarkPrices, Read.All(archive.MarkPrices(m.Timeframe), S));
        Assert.Equal(m.IndexPrices, Read.All(archive.IndexPrices(), S));
        Assert.Equal(m.Funding, Read.All(archive.Funding(), S));
        Assert.Equal(m.OpenInterest, Read.All(archive.OpenInterest(), S));
        Assert.Equal(m.Positioning, Read.All(archive.Positioning(), S));
        Assert.Equal(m.Liquidations, Read.All(archive.Liquidations(), S));

        // A one-day range opens only the files that can hold it and returns exactly the records inside.
        var day = new TimeRange(m.Start + 86_400_000L, m.Start + (2 * 86_400_000L));
        Assert.Equal(m.Klines.Where(k => day.Contains(k.Time)), Read.All(archive.Klines(m.Timeframe), S, day));
        Assert.Equal(m.Liquidations.Where(k => day.Contains(k.Time)), Read.All(archive.Liquidations(), S, day));
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticMarket.Generate("X", Timeframe.OneHour, 0, Start, 1));
        Assert.Throws<ArgumentException>(() => SyntheticMarket.Generate("X", Timeframe.OneHour, 10, Start.AddMinutes(1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticMarket.Generate("X", Timeframe.OneHour, 10, Start, 1, -5));
    }
}
