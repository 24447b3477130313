using Xunit;

namespace QuantFeatures.Tests.Properties;

/// <summary>
/// The random frames themselves: a changed future keeps the times and everything before it, and the derivatives columns
/// have the shapes the loader gives them (whole liquidation counts, 0 notionals without events, positive ratios, every funding
/// settlement seen on clean input with its interval, holes together).
/// </summary>
public class RandomFramesTests
{
    private static readonly string[] Timeframes = ["1m", "5m", "15m", "1h", "4h", "1d"];

    private static IEnumerable<FrameCase> Cases(int count, bool holes, bool degenerate)
    {
        var rng = new Random(20250101);
        for (int k = 0; k < count; k++)
        {
            int n = rng.Next(1, 420);
            yield return new FrameCase(rng.Next(), n, Timeframe.Parse(Timeframes[rng.Next(Timeframes.Length)]),
                holes ? rng.Next(5, 150) / 1000.0 : 0, degenerate, Math.Pow(10, rng.Next(-6, 7)) * 3, rng.Next(n), History: holes && rng.Next(2) == 0);
        }
    }

    [Fact]
    public void A_changed_future_keeps_the_times_and_every_value_before_it()
    {
        foreach (var c in Cases(300, holes: true, degenerate: true))
        {
            var original = RandomFrames.Build(c);
            var changed = RandomFrames.Build(c, c.Seed + 1, c.Cut + 1);
            Assert.Equal(original.Time.ToArray(), changed.Time.ToArray());
            if (c.History)
            {
                // The settlements available by the cut's decision time are the same.
                long cutDecision = original.DecisionTime(c.Cut);
                var a = original.FundingHistory!;
                var b = changed.FundingHistory!;
                int known = 0;
                while (known < a.Count && a.AvailableAt[known] <= cutDecision)
                {
                    known++;
                }

                Assert.True(b.Count >= known);
                Assert.Equal(a.Time[..known].ToArray(), b.Time[..known].ToArray());
                Assert.Equal(a.Rate[..known].ToArray(), b.Rate[..known].ToArray());
                Assert.True(known == b.Count || b.AvailableAt[known] > cutDecision);
            }

            Assert.Equal(original.Columns, changed.Columns);
            bool differs = false;
            foreach (var column in original.Columns)
            {
                var a = original[column];
                var b = changed[column];
                for (int t = 0; t <= c.Cut; t++)
                {
                    Assert.True(a[t].Equals(b[t]), $"{column.Name()}[{t}]: {a[t]:R} vs {b[t]:R} ({c})");
                }

                for (int t = c.Cut + 1; t < a.Length; t++)
                {
                    differs |= !a[t].Equals(b[t]);
                }
            }

            Assert.True(differs || c.Cut + 1 >= c.Length, $"nothing changed after the cut ({c})");
        }
    }

    [Fact]
    public void Derivatives_columns_have_the_loader_s_shapes()
    {
        foreach (var c in Cases(300, holes: true, degenerate: true).Concat(Cases(300, holes: false, degenerate: false)))
        {
            var f = RandomFrames.Build(c);
            var count = f[MarketColumn.LiquidationCount];
            var longs = f[MarketColumn.LongLiquidationNotional];
            var shorts = f[MarketColumn.ShortLiquidationNotional];
            var rate = f[MarketColumn.FundingRate];
            var settled = f[MarketColumn.FundingTime];
            var interval = f[MarketColumn.FundingIntervalHours];
            var oi = f[MarketColumn.OpenInterest];
            var oiv = f[MarketColumn.OpenInterestValue];
            for (int t = 0; t < f.Length; t++)
            {
                Assert.Equal(double.IsNaN(count[t]), double.IsNaN(longs[t]));
                Assert.Equal(double.IsNaN(count[t]), double.IsNaN(shorts[t]));
                if (!double.IsNaN(count[t]))
                {
                    Assert.Equal(Math.Floor(count[t]), count[t]);
                    Assert.True(count[t] > 0 || (longs[t] == 0 && shorts[t] == 0), $"notional without a liquidation ({c})");
                    Assert.True(longs[t] >= 0 && shorts[t] >= 0);
                }

                Assert.Equal(double.IsNaN(rate[t]), double.IsNaN(settled[t]));
                Assert.Equal(double.IsNaN(rate[t]), double.IsNaN(interval[t]));
                Assert.Equal(double.IsNaN(oi[t]), double.IsNaN(oiv[t]));
                if (!double.IsNaN(settled[t]))
                {
                    // The last settlement by the decision time (+ 1 s), on a whole hour plus 0 … 15 ms, with a 1, 4 or 8 h interval.
                    Assert.True(settled[t] <= f.DecisionTime(t) + 1000, $"funding_time[{t}] after the decision time ({c})");
                    Assert.InRange(settled[t] % 3_600_000, 0, 15);
                    Assert.Contains(interval[t], new[] { 1.0, 4.0, 8.0 });
                    Assert.True(interval[t] * 3_600_000 >= Math.Min(6 * c.Timeframe.Milliseconds, 8 * 3_600_000));
                }

                foreach (var column in new[] { MarketColumn.LongShortRatio, MarketColumn.TopTraderLongShortRatio, MarketColumn.TopTraderPositionRatio, MarketColumn.TakerLongShortVolRatio })
                {
                    double x = f[column][t];
                    Assert.True(double.IsNaN(x) || x > 0, $"{column.Name()}[{t}] = {x} ({c})");
                }

                foreach (var column in new[] { MarketColumn.MarkPrice, MarketColumn.IndexPrice })
                {
                    double x = f[column][t];
                    Assert.True(double.IsNaN(x) || (x > 0 && Math.Abs((x / f.Close[t]) - 1) < 0.02) || double.IsNaN(f.Close[t]), $"{column.Name()}[{t}] = {x} ({c})");
                }
            }
        }
    }

    [Fact]
    public void On_clean_input_every_funding_settlement_is_seen_and_its_interval_is_the_spacing()
    {
        int changes = 0;
        foreach (var c in Cases(400, holes: false, degenerate: false))
        {
            var f = RandomFrames.Build(c);
            var settled = f[MarketColumn.FundingTime];
            var interval = f[MarketColumn.FundingIntervalHours];
            Assert.False(double.IsNaN(settled[0]), $"no settlement at the first bar ({c})");
            for (int t = 1; t < f.Length; t++)
            {
                Assert.False(double.IsNaN(settled[t]));
                if (settled[t] != settled[t - 1])
                {
                    double spacing = Math.Round((settled[t] - settled[t - 1]) / 60_000) / 60;
                    if (c.Timeframe.Milliseconds <= 3_600_000)
                    {
                        Assert.True(spacing == interval[t], $"bar {t}: settlement {spacing} h after the previous one, interval {interval[t]} h ({c})");
                    }

                    changes += interval[t] != interval[t - 1] ? 1 : 0;
                }
            }
        }

        Assert.True(changes > 0, "no interval change in any frame");
    }

    [Fact]
    public void A_funding_history_is_the_loader_s_behind_the_columns()
    {
        int cases = 0;
        foreach (var c in Cases(200, holes: true, degenerate: true).Where(c => c.History))
        {
            cases++;
            var f = RandomFrames.Build(c);
            var h = f.FundingHistory!;
            var rate = f[MarketColumn.FundingRate];
            var settled = f[MarketColumn.FundingTime];
            long firstDecision = f.DecisionTime(0);
            Assert.True(h.Time[0] >= firstDecision - (252 * 86_400_000L) && h.Time[0] < firstDecision - (250 * 86_400_000L),
                $"the history starts at {h.Time[0]} ({c})"); // 252 days back (a few settlements may be missing)
            int j = 0;
            for (int t = 0; t < f.Length; t++)
            {
                long d = f.DecisionTime(t);
                while (j < h.Count && h.AvailableAt[j] <= d)
                {
                    j++;
                }

                // The column shows the last settlement available by the decision time, unless it is over 24 h old.
                Assert.True(j > 0, $"no settlement by bar {t} ({c})");
                bool stale = d - h.Time[j - 1] > 86_400_000L;
                Assert.Equal(stale, double.IsNaN(rate[t]));
                if (!stale)
                {
                    Assert.Equal(h.Time[j - 1], settled[t]);
                    Assert.Equal(h.Rate[j - 1], rate[t]);
                }
            }

            Assert.Equal(h.Count, j); // nothing after the last decision time
        }

        Assert.True(cases > 50);
    }
}
