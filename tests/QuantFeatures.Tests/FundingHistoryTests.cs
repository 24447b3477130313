using QuantFeatures.Data;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The funding history the loader attaches to a frame: read back 252 days, each settlement counted from the decision
/// time it becomes available (never earlier), event-time windows full from the first bar, and the same values as the
/// columns-only reconstruction wherever that one knows its window.
/// </summary>
public class FundingHistoryTests
{
    private const long Hour = 3_600_000;
    private static readonly long T0 = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static FundingSettlement[] EightHourly(long from, long to, Func<int, double> rate)
    {
        var list = new List<FundingSettlement>();
        int k = 0;
        for (long t = from; t <= to; t += 8 * Hour, k++)
        {
            list.Add(new FundingSettlement(t + (k % 3 == 0 ? 8 : 0), rate(k))); // some settlements a few ms late, as Binance stamps them
        }

        return [.. list];
    }

    private static MarketFrame Load(FundingSettlement[] settlements, int bars, MarketDataLoaderOptions? options = null)
    {
        var klines = new InMemoryKlineSource().Add("X",
            Enumerable.Range(0, bars).Select(i => new Kline(T0 + (i * Hour), 100, 101, 99, 100, 10)), Timeframe.OneHour);
        var loader = new MarketDataLoader(klines, options).WithFunding(new InMemorySource<FundingSettlement>().Add("X", settlements));
        return loader.LoadAsync("X", Timeframe.OneHour, new TimeRange(T0, T0 + (bars * Hour))).GetAwaiter().GetResult();
    }

    [Fact]
    public void The_loader_attaches_252_days_of_settlements_each_available_from_its_time()
    {
        var settlements = EightHourly(T0 - (300L * 24 * Hour), T0 + (100 * Hour), k => (k % 7) * 1e-5);
        var frame = Load(settlements, 48);
        var h = Assert.IsType<FundingHistory>(frame.FundingHistory);
        long first = T0 + Hour - (252L * 24 * Hour);
        Assert.All(h.Time.ToArray(), t => Assert.True(t >= first, $"{t} is older than 252 days before the first decision"));
        Assert.True(h.Time[0] - first < 8 * Hour + 1000);
        Assert.True(h.Time[^1] <= frame.DecisionTime(frame.Length - 1) + 1000, "no settlement after the last decision time");
        for (int i = 0; i < h.Count; i++)
        {
            Assert.Equal(h.Time[i] - 1000, h.AvailableAt[i]); // the 1 s timestamp tolerance, no publication delay
        }

        var none = Load(settlements, 48, new MarketDataLoaderOptions { FundingHistory = TimeSpan.Zero });
        Assert.True(none.FundingHistory!.Time[0] >= T0 + Hour - (24 * Hour), "without history the staleness limit bounds the read");
    }

    [Fact]
    public void With_a_history_windows_are_full_from_the_first_bar_and_equal_a_naive_sum_over_the_raw_records()
    {
        var settlements = EightHourly(T0 - (40L * 24 * Hour), T0 + (200 * Hour), k => Math.Round(Math.Sin(k) * 1e-4, 8));
        var frame = Load(settlements, 200);
        var m = new FeatureEngineer().Compute(frame, "cumulative_funding_7d", "funding_zscore_30d", "funding_rate_change");
        for (int t = 0; t < frame.Length; t++)
        {
            long d = frame.DecisionTime(t);
            // Naive: the records available by d (time ≤ d + 1 s) whose scheduled time (the stamp rounded to the minute) lies in
            // (d − 7d, d].
            static long Scheduled(long time) => (long)Math.Round(time / 60_000.0) * 60_000;
            var seen = settlements.Where(s => s.Time <= d + 1000).ToArray();
            double sum = seen.Where(s => Scheduled(s.Time) > d - (7L * 24 * Hour)).Sum(s => s.Rate);
            Assert.Equal(sum, m["cumulative_funding_7d"][t], 15);
            var month = seen.Where(s => Scheduled(s.Time) > d - (30L * 24 * Hour)).Select(s => s.Rate).ToArray();
            double mean = month.Average();
            double std = Math.Sqrt(month.Sum(x => (x - mean) * (x - mean)) / (month.Length - 1));
            Assert.Equal((month[^1] - mean) / std, m["funding_zscore_30d"][t], 10);
            Assert.Equal(seen[^1].Rate - seen[^2].Rate, m["funding_rate_change"][t], 15);
        }
    }

    [Fact]
    public void History_and_the_columns_alone_agree_where_the_columns_know_their_window()
    {
        var settlements = EightHourly(T0 - (10L * 24 * Hour), T0 + (400 * Hour), k => ((k * 37) % 11) * 1e-5);
        var frame = Load(settlements, 400);
        var bare = frame.WithFundingHistory(null);
        var engine = new FeatureEngineer();
        foreach (var name in (string[])["cumulative_funding_7d", "funding_rate_change", "funding_percentile_252d", "funding_zscore_30d"])
        {
            var full = engine.Compute(frame, name)[name];
            var columns = engine.Compute(bare, name)[name];
            for (int t = 0; t < frame.Length; t++)
            {
                if (!double.IsNaN(columns[t]))
                {
                    Assert.True(columns[t].Equals(full[t]), $"{name}[{t}]: columns {columns[t]:R}, history {full[t]:R}");
                }
            }

            Assert.Contains(columns.ToArray(), double.IsNaN); // the columns alone start with their lookback
        }
    }

    [Fact]
    public void A_settlement_in_the_history_never_reaches_a_bar_before_it_is_available()
    {
        // A settlement stamped 2 s after a decision time reaches the next bar only (beyond the 1 s tolerance).
        FundingSettlement[] settlements =
        [
            new(T0 - (8 * Hour), 1e-4), new(T0, 2e-4), new(T0 + (8 * Hour) + 2000, 9e-4), new(T0 + (16 * Hour), 3e-4),
        ];
        var frame = Load(settlements, 20);
        var change = new FeatureEngineer().Compute(frame, "funding_rate_change")["funding_rate_change"];
        Assert.Equal(2e-4 - 1e-4, change[7], 15); // decision 08:00: the late settlement is not there yet
        Assert.Equal(9e-4 - 2e-4, change[8], 15); // decision 09:00: it is
    }

    [Fact]
    public void A_history_is_validated()
    {
        Assert.Throws<ArgumentException>(() => new FundingHistory([2, 1], [0, 0], [8, 8], [0, 0]));
        Assert.Throws<ArgumentException>(() => new FundingHistory([1, 2], [0, 0], [8, 8], [5, 4]));
        Assert.Throws<ArgumentException>(() => new FundingHistory([1, 2], [0], [8, 8], [0, 0]));
    }
}
