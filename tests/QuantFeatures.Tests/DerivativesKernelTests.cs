using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using QuantFeatures.Kernels;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The kernels of the derivatives families: hand-computed cases, the blocked sorted multiset against counting,
/// compensated window sums against exact sums, batch kernels against their looped states bit for bit, and the funding
/// clock and event-time windows on hand-built settlement schedules (interval changes, holes, staleness).
/// </summary>
public class DerivativesKernelTests
{
    private const long H = 3_600_000;
    private static readonly Timeframe OneHour = Timeframe.OneHour;

    // ------------------------------------------------------------------ percentiles

    [Fact]
    public void Percentile_is_pandas_rank_pct_with_average_ties_by_hand()
    {
        // Window 4: [3, 1, 3, 2] -> rank of 2 among {3, 1, 3, 2}: L = 1 (the 1), E = 1 -> (1 + 1) / 4 = 0.5.
        // Next [1, 3, 2, 3] -> rank of 3: L = 2, E = 2 -> (2 + 1.5) / 4 = 0.875. Next [3, 2, 3, 3]: L = 1, E = 3 -> (1 + 2) / 4 = 0.75.
        double[] x = [3, 1, 3, 2, 3, 3];
        var d = new double[x.Length];
        Indicators.RollingPercentile(x, 4, d);
        Assert.Equal([double.NaN, double.NaN, double.NaN, 0.5, 0.875, 0.75], d);

        // A flat window: every value ties -> (0 + (4 + 1) / 2) / 4 = 0.625; a new maximum -> 1.
        double[] flat = [5, 5, 5, 5, 6];
        Indicators.RollingPercentile(flat, 4, d.AsSpan(0, 5));
        Assert.Equal(0.625, d[3]);
        Assert.Equal(1.0, d[4]);
    }

    [Fact]
    public void Percentile_is_NaN_while_the_window_holds_a_NaN_and_recovers()
    {
        double[] x = [1, 2, double.NaN, 4, 5, 6, 7];
        var d = new double[x.Length];
        Indicators.RollingPercentile(x, 3, d);
        Assert.True(d[..5].All(double.IsNaN));
        Assert.Equal(1.0, d[5]);
        Assert.Equal(1.0, d[6]);
    }

    [Fact]
    public void Sorted_multiset_ranks_equal_counting_through_splits_and_merges()
    {
        // Values from a small set (many ties) and long windows: blocks of 256 split and merge many times.
        var property = Prop.ForAll(Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), Gen.Choose(1, 3000).ToArbitrary(), (seed, period) =>
        {
            var rnd = new Random(seed);
            int n = period + rnd.Next(1, 4000);
            int levels = rnd.Next(1, 2000);
            var x = new double[n];
            double drift = 0;
            bool carried = rnd.NextDouble() < 0.5; // snapshots carried forward: runs of equal values (the O(1) path and the run view)
            for (int i = 0; i < n; i++)
            {
                // Sorted runs (rising, falling) stress block splits at one end; random levels stress the middle.
                drift += rnd.NextDouble() < 0.3 ? 1 : 0;
                x[i] = rnd.NextDouble() < 0.02 ? double.NaN : rnd.NextDouble() < 0.5 ? rnd.Next(levels) : (i % 2 == 0 ? drift : -drift);
                if (carried && i > 0 && rnd.NextDouble() < 0.8)
                {
                    x[i] = x[i - 1];
                }
            }

            var fast = new double[n];
            Indicators.RollingPercentile(x, period, fast);
            var state = new RollingPercentileState(period);
            for (int t = 0; t < n; t++)
            {
                double expected = double.NaN;
                if (t >= period - 1)
                {
                    var w = x.AsSpan(t - period + 1, period);
                    if (!w.ToArray().Any(double.IsNaN))
                    {
                        var (less, equal) = Percentile.Count(w, x[t]);
                        expected = (less + ((equal + 1) / 2.0)) / period;
                    }
                }

                double streamed = state.Update(x[t]);
                Assert.True(expected.Equals(fast[t]), $"t {t}: {fast[t]:R}, counting gives {expected:R} (period {period})");
                Assert.True(fast[t].Equals(streamed), $"t {t}: batch {fast[t]:R}, state {streamed:R}");
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true), property);
    }

    // ------------------------------------------------------------------ compensated sums

    [Fact]
    public void Rolling_sum_leaves_no_residue_after_a_spike_and_is_exactly_zero_on_quiet_windows()
    {
        double[] x = [0.1, 1e9, 0.2, 0.3, 0, 0, 0, 0.7];
        var d = new double[x.Length];
        Indicators.RollingSum(x, 3, d);
        Assert.Equal(1000000000.3, d[2]);          // the exact sum rounded once (0.1 + 1e9 + 0.2 in double gives ...0.3000001)
        Assert.Equal(0.2 + 0.3, d[4]);            // the spike left: exactly the sum of what remains, no residue
        Assert.Equal(0.3, d[5]);
        Assert.Equal(0.0, d[6]);                   // nothing but zeros: exactly 0
        Assert.Equal(0.7, d[7]);
    }

    [Fact]
    public void Rolling_sums_equal_the_exact_window_sum_rounded_once_and_their_states()
    {
        var rnd = new Random(7);
        int n = 20_000;
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Sparse liquidation-like series: mostly 0, sometimes huge, NaN holes.
            // Multiples of 1/256 below 2^30: x * 256 is an exact integer, so the exact window sum is a sum of longs.
            a[i] = rnd.NextDouble() < 0.7 ? 0 : Math.Round(Math.Exp(12 * rnd.NextDouble()) * 256) / 256;
            b[i] = rnd.NextDouble() < 0.5 ? 0 : Math.Round(Math.Exp(10 * rnd.NextDouble()) * 256) / 256;
            if (rnd.NextDouble() < 0.003)
            {
                a[i] = double.NaN;
            }
        }

        foreach (int period in (int[])[1, 2, 7, 60, 1440])
        {
            var sum = new double[n];
            var sumB = new double[n];
            var ratio = new double[n];
            Indicators.RollingSum(a, period, sum);
            Indicators.RollingSum(b, period, sumB);
            Elementwise.Divide(sum, sumB, ratio); // the liquidation ratios: ratios of compensated sums
            var s1 = new RollingSumState(period);
            var s2 = new RollingSumState(period);
            for (int t = 0; t < n; t++)
            {
                Assert.True(sum[t].Equals(s1.Update(a[t])), $"sum state, period {period}, t {t}");
                Assert.True(sumB[t].Equals(s2.Update(b[t])), $"sum state of b, period {period}, t {t}");
                if (t < period - 1)
                {
                    Assert.True(double.IsNaN(sum[t]));
                    continue;
                }

                var w = a.AsSpan(t - period + 1, period).ToArray();
                if (w.Any(double.IsNaN))
                {
                    Assert.True(double.IsNaN(sum[t]));
                    continue;
                }

                long exact = w.Sum(v => (long)(v * 256));
                Assert.True(exact / 256.0 == sum[t], $"period {period}, t {t}: {sum[t]:R} vs exact {exact / 256.0:R}");
                long exactB = b.AsSpan(t - period + 1, period).ToArray().Sum(v => (long)(v * 256));
                double expectedRatio = exactB == 0 ? double.NaN : (exact / 256.0) / (exactB / 256.0);
                Assert.True(expectedRatio.Equals(ratio[t]), $"quotient, period {period}, t {t}: {ratio[t]:R} vs {expectedRatio:R}");
            }
        }
    }

    [Fact]
    public void Four_lane_rolling_sums_have_the_bits_of_four_scalar_states()
    {
        var rnd = new Random(11);
        int n = 12_000;
        var lanes = new double[4][];
        for (int k = 0; k < 4; k++)
        {
            lanes[k] = new double[n];
            for (int i = 0; i < n; i++)
            {
                double u = rnd.NextDouble();
                // Zeros of both signs, arbitrary (not exactly summable) reals of mixed signs and scales, spikes, NaN holes
                // in each lane at its own bars.
                lanes[k][i] = u < 0.4 ? (rnd.Next(2) == 0 ? 0.0 : -0.0)
                    : u < 0.995 ? (rnd.NextDouble() - 0.3) * Math.Exp(8 * rnd.NextDouble())
                    : u < 0.998 ? 1e12 * rnd.NextDouble()
                    : double.NaN;
            }
        }

        foreach (int period in (int[])[1, 2, 7, 60, 1440])
        {
            var vector = new RollingSum4State(period);
            var scalar = Enumerable.Range(0, 4).Select(_ => new RollingSumState(period)).ToArray();
            for (int t = 0; t < n; t++)
            {
                var got = vector.Update(Vector256.Create(lanes[0][t], lanes[1][t], lanes[2][t], lanes[3][t]));
                for (int k = 0; k < 4; k++)
                {
                    double expected = scalar[k].Update(lanes[k][t]);
                    Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got.GetElement(k)),
                        $"period {period}, lane {k}, t {t}: {got.GetElement(k):R} vs {expected:R}");
                }
            }
        }
    }

    // ------------------------------------------------------------------ point steps

    [Theory]
    [InlineData(1.0, 1.0, 2.0)]
    [InlineData(1.0, -1.0, 1.0)]
    [InlineData(-1.0, -1.0, -1.0)]
    [InlineData(-1.0, 1.0, -2.0)]
    [InlineData(0.0, 1.0, 0.0)]
    [InlineData(1.0, 0.0, 0.0)]
    [InlineData(double.NaN, 1.0, double.NaN)]
    public void Regime_codes_by_hand(double priceChange, double oiChange, double expected) =>
        Assert.Equal(expected, Derivatives.Regime(priceChange, oiChange));

    [Fact]
    public void Regime_kernel_compares_with_five_bars_before()
    {
        double[] c = [10, 10, 10, 10, 10, 11, 9, 10, 10, 10, 10];
        double[] oi = [100, 100, 101, 100, 100, 101, 99, 100, 100, 100, 100];
        var d = new double[c.Length];
        Indicators.OpenInterestRegime(c, oi, 5, d);
        // t = 5: C 11 > 10, OI 101 > 100 -> +2; t = 6: C 9 < 10, OI 99 < 100 -> -1; t = 7: C 10 = 10 -> 0;
        // t = 10: C 10 < 11, OI 100 < 101 -> -1.
        Assert.Equal(2.0, d[5]);
        Assert.Equal(-1.0, d[6]);
        Assert.Equal(0.0, d[7]);
        Assert.Equal(-1.0, d[10]);
        Assert.True(d[..5].All(double.IsNaN));
    }

    [Theory]
    // Settled at 08:00:00.008 with 8 h interval; decision 09:00 -> next 16:00 -> 420 minutes.
    [InlineData(8, 8, 9, 420.0)]
    // Decision exactly at the settlement: 480 minutes to the next one.
    [InlineData(8, 8, 8, 480.0)]
    // 4 h interval settled at 08:00, decision 11:00 -> 12:00 -> 60 minutes.
    [InlineData(8, 4, 11, 60.0)]
    // Overdue: settled at 00:00 every 8 h, decision 08:00 and no 08:00 settlement seen -> due now: 0.
    [InlineData(0, 8, 8, 0.0)]
    // Overdue by more than an interval: 1 h interval settled at 00:00, decision 03:30 -> 04:00 -> 30 minutes.
    [InlineData(0, 1, 3.5, 30.0)]
    public void Minutes_to_funding_follow_the_known_schedule(double settledHour, double interval, double decisionHour, double expected)
    {
        long day = 1_735_689_600_000L;
        double settled = day + (settledHour * H) + 8; // Binance stamps a few ms late
        long decision = day + (long)(decisionHour * H);
        Assert.Equal(expected, Derivatives.MinutesToFunding(settled, interval, decision));
    }

    [Fact]
    public void Annualized_funding_uses_the_interval_of_the_data()
    {
        Assert.Equal(0.0001 * 3 * 365, Derivatives.AnnualizedFunding(0.0001, 8), 15);
        Assert.Equal(0.0001 * 24 * 365, Derivatives.AnnualizedFunding(0.0001, 1), 15);
        Assert.True(double.IsNaN(Derivatives.AnnualizedFunding(0.0001, double.NaN)));
        Assert.True(double.IsNaN(Derivatives.AnnualizedFunding(0.0001, 0)));
    }

    // ------------------------------------------------------------------ event-time funding

    /// <summary>Hourly bars over a settlement schedule, as the loader aligns it: each bar carries the last settlement whose
    /// time is ≤ its decision time (open + 1 h), its rate and its interval; NaN where <paramref name="stale"/> says so.</summary>
    private static (long[] Open, double[] Rate, double[] Time, double[] Interval) Align(int bars, (double Hour, double Rate, double Interval)[] settlements,
        Func<int, bool>? stale = null)
    {
        var open = new long[bars];
        var rate = new double[bars];
        var time = new double[bars];
        var interval = new double[bars];
        for (int t = 0; t < bars; t++)
        {
            open[t] = t * H;
            long decision = open[t] + H;
            int last = -1;
            for (int k = 0; k < settlements.Length; k++)
            {
                if (settlements[k].Hour * H <= decision)
                {
                    last = k;
                }
            }

            bool missing = last < 0 || (stale?.Invoke(t) ?? false);
            rate[t] = missing ? double.NaN : settlements[last].Rate;
            time[t] = missing ? double.NaN : settlements[last].Hour * H;
            interval[t] = missing ? double.NaN : settlements[last].Interval;
        }

        return (open, rate, time, interval);
    }

    [Fact]
    public void Cumulative_funding_sums_settlements_in_event_time_across_an_interval_change()
    {
        // Settlements every 8 h from hour 0 to 48, then every 4 h to 96, then every hour; rates 1, 2, 3 ... (× 1e-4).
        var s = new List<(double, double, double)>();
        int k = 1;
        for (int h = 0; h <= 48; h += 8, k++)
        {
            s.Add((h, k * 1e-4, 8));
        }

        for (int h = 52; h <= 96; h += 4, k++)
        {
            s.Add((h, k * 1e-4, 4));
        }

        for (int h = 97; h <= 200; h++, k++)
        {
            s.Add((h, k * 1e-4, 1));
        }

        var (open, rate, time, interval) = Align(200, [.. s]);
        var window = TimeSpan.FromHours(24);
        var d = new double[200];
        Indicators.CumulativeFunding(rate, time, interval, open, OneHour, window, d);
        // Lookback ceil(24h / 1h) = 24 bars.
        Assert.True(d[..24].All(double.IsNaN));
        for (int t = 24; t < 200; t++)
        {
            double decision = (t + 1) * H;
            double expected = s.Where(x => x.Item1 * H > decision - (24 * H) && x.Item1 * H <= decision).Sum(x => x.Item2);
            Assert.Equal(expected, d[t], 14);
        }

        // Bar 120 (decision hour 121): hourly settlements at 98 … 121 = 24 of them.
        Assert.Equal(s.Where(x => x.Item1 > 97 && x.Item1 <= 121).Sum(x => x.Item2), d[120], 14);
    }

    [Fact]
    public void A_missed_settlement_is_a_hole_that_makes_windows_NaN_until_it_leaves()
    {
        // 8 h settlements, but the one at hour 40 is missing from the data: the spacing 32 -> 48 is 2 intervals.
        var s = Enumerable.Range(0, 20).Select(i => (Hour: i * 8.0, Rate: (i + 1) * 1e-4, Interval: 8.0)).Where(x => x.Hour != 40).ToArray();
        var (open, rate, time, interval) = Align(150, s);
        var d = new double[150];
        var change = new double[150];
        Indicators.CumulativeFunding(rate, time, interval, open, OneHour, TimeSpan.FromHours(24), d);
        Indicators.FundingRateChange(rate, time, interval, open, OneHour, change);
        for (int t = 24; t < 150; t++)
        {
            int hour = t + 1; // the decision time
            // Up to hour 44 the missing settlement of hour 40 is at most half an interval late: the window is taken as known
            // (nothing at that time tells it is missing). From hour 45 it is overdue (45 - 32 > 12), at hour 48 the settlement
            // of hour 48 shows the hole, and windows are known again once they start at or after it (hour 72).
            bool known = hour <= 44 || hour >= 72;
            Assert.True(known != double.IsNaN(d[t]), $"bar {t} (decision hour {hour}): {d[t]}");
        }

        Assert.Equal(s.Where(x => x.Hour > 41 - 24 && x.Hour <= 41).Sum(x => x.Rate), d[40], 15); // without the missing one

        // The change at the settlement after the hole is unknown (its predecessor was not seen), known again after.
        int seen48 = 47; // the bar whose decision time is hour 48
        Assert.True(double.IsNaN(change[seen48]));
        Assert.Equal(8e-4 - 7e-4, change[seen48 + 8], 15); // hour 56 (rate 8e-4) minus hour 48 (7e-4)
    }

    [Fact]
    public void Zscore_percentile_and_extremes_follow_their_window()
    {
        // 1 h settlements with rates cycling 1 … 5 (× 1e-4) and a spike of 50e-4 at hour 60; window 30 h.
        var s = Enumerable.Range(0, 101).Select(h => (Hour: (double)h, Rate: h == 60 ? 50e-4 : ((h % 5) + 1) * 1e-4, Interval: 1.0)).ToArray();
        var (open, rate, time, interval) = Align(100, s);
        var window = TimeSpan.FromHours(30);
        var z = new double[100];
        var p = new double[100];
        var up = new double[100];
        var down = new double[100];
        Indicators.FundingZScore(rate, time, interval, open, OneHour, window, z);
        Indicators.FundingPercentile(rate, time, interval, open, OneHour, window, p);
        Indicators.FundingExtreme(rate, time, interval, open, OneHour, window, 2.0, up);
        Indicators.FundingExtreme(rate, time, interval, open, OneHour, window, -2.0, down);
        for (int t = 30; t < 100; t++)
        {
            double decision = (t + 1) * H;
            var w = s.Where(x => x.Hour * H > decision - (30 * H) && x.Hour * H <= decision).Select(x => x.Rate).ToArray();
            double f = w[^1];
            double mean = w.Average();
            double std = Math.Sqrt(w.Sum(v => (v - mean) * (v - mean)) / (w.Length - 1));
            Assert.Equal((f - mean) / std, z[t], 12);
            Assert.Equal((w.Count(v => v < f) + ((w.Count(v => v == f) + 1) / 2.0)) / w.Length, p[t]);
            Assert.Equal((f - mean) / std > 2 ? 1.0 : 0.0, up[t]);
            Assert.Equal((f - mean) / std < -2 ? 1.0 : 0.0, down[t]);
        }

        Assert.Equal(1.0, up[59]); // the bar that first sees the spike (decision hour 60)
        Assert.Equal(1.0, p[59]);
    }

    [Fact]
    public void Flat_funding_gives_a_NaN_zscore_but_no_extreme()
    {
        var s = Enumerable.Range(0, 60).Select(h => (Hour: h * 8.0, Rate: 1e-4, Interval: 8.0)).ToArray();
        var (open, rate, time, interval) = Align(400, s);
        var z = new double[400];
        var up = new double[400];
        Indicators.FundingZScore(rate, time, interval, open, OneHour, TimeSpan.FromDays(7), z);
        Indicators.FundingExtreme(rate, time, interval, open, OneHour, TimeSpan.FromDays(7), 2.0, up);
        Assert.True(z.All(double.IsNaN));
        Assert.True(up[..168].All(double.IsNaN));
        Assert.True(up[168..].All(v => v == 0));
    }

    [Fact]
    public void Stale_funding_is_NaN_and_the_window_recovers_only_when_no_settlement_was_missed()
    {
        // 8 h settlements; bars 30 … 35 are stale (NaN) but no settlement falls in them: nothing is missed.
        var s = Enumerable.Range(0, 40).Select(i => (Hour: i * 8.0, Rate: (i % 3) * 1e-4, Interval: 8.0)).ToArray();
        var (open, rate, time, interval) = Align(300, s, t => t >= 30 && t <= 35);
        var d = new double[300];
        Indicators.CumulativeFunding(rate, time, interval, open, OneHour, TimeSpan.FromHours(24), d);
        Assert.True(d[30..36].All(double.IsNaN));
        Assert.False(double.IsNaN(d[36]));
    }

    [Fact]
    public void Event_time_features_are_offered_at_one_hour_or_finer()
    {
        foreach (var name in (string[])["funding_rate_change", "cumulative_funding_7d", "funding_zscore_30d", "funding_percentile_252d",
            "funding_extreme_positive", "funding_extreme_negative"])
        {
            var f = FeatureCatalog.Default.Get(name);
            Assert.Null(f.UnavailableReason(Timeframe.OneHour));
            Assert.Null(f.UnavailableReason(Timeframe.Parse("5m")));
            Assert.Contains("event time", f.UnavailableReason(Timeframe.Parse("4h")), StringComparison.Ordinal);
        }

        Assert.Equal(168, FeatureCatalog.Default.Get("cumulative_funding_7d").Lookback(Timeframe.OneHour));
        Assert.Equal(720 * 12, FeatureCatalog.Default.Get("funding_zscore_30d").Lookback(Timeframe.Parse("5m")));
        Assert.Null(FeatureCatalog.Default.Get("minutes_to_funding").UnavailableReason(Timeframe.OneDay));
    }

    [Fact]
    public void Funding_window_state_equals_the_batch_kernel()
    {
        var s = Enumerable.Range(0, 400).Select(i => (Hour: i * 4.0 + (i > 200 ? 1 : 0), Rate: Math.Sin(i) * 1e-4, Interval: 4.0))
            .Where(x => x.Hour != 300).ToArray();
        var (open, rate, time, interval) = Align(1500, s, t => t % 97 == 5);
        var batch = new double[1500];
        Indicators.FundingPercentile(rate, time, interval, open, OneHour, TimeSpan.FromDays(3), batch);
        var state = new FundingWindowState(TimeSpan.FromDays(3), OneHour);
        for (int t = 0; t < 1500; t++)
        {
            double v = state.Update(rate[t], time[t], interval[t], open[t] + H) ? state.Percentile() : double.NaN;
            Assert.True(batch[t].Equals(v), $"t {t}");
        }

        Assert.Contains(batch, v => !double.IsNaN(v));
        Assert.Contains(batch.Skip(72), double.IsNaN);
    }
}

/// <summary>Every derivatives kernel with a state equals looping its state, bit for bit, on data with holes.</summary>
public class DerivativesStateTests
{
    private const long H = 3_600_000;

    private static double[] Sparse(int n, int seed)
    {
        var rnd = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = rnd.NextDouble() < 0.6 ? 0 : Math.Round(Math.Exp(14 * rnd.NextDouble()), 2);
            if (rnd.NextDouble() < 0.004)
            {
                x[i] = double.NaN;
            }
        }

        return x;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(24)]
    [InlineData(1440)]
    public void Spike_zscore_equals_its_state(int period)
    {
        var x = Sparse(30_000, period);
        var batch = new double[x.Length];
        Indicators.SpikeZScore(x, period, batch);
        var state = new SpikeZScoreState(period);
        for (int t = 0; t < x.Length; t++)
        {
            Assert.True(batch[t].Equals(state.Update(x[t])), $"t {t}");
        }

        Assert.Contains(batch, v => !double.IsNaN(v));
    }

    [Fact]
    public void Spike_zscore_of_a_small_value_after_a_huge_one_has_left_the_window_is_exact()
    {
        // A 5e7 liquidation, then 287 quiet bars and a 30: the window of 288 holds 287 zeros and 30 -> z = 287 / sqrt(288).
        var x = new double[1 + 288 + 287 + 1];
        x[0] = 5e7;
        x[^1] = 30;
        var z = new double[x.Length];
        Indicators.SpikeZScore(x, 288, z);
        Assert.Equal(287 / Math.Sqrt(288), z[^1], 12);
    }

    [Fact]
    public void Every_funding_window_statistic_equals_the_state_bar_by_bar()
    {
        // 4 h settlements, a missed one, a change to 1 h, stale bars.
        var settlements = new List<(double Hour, double Rate, double Interval)>();
        for (int i = 0; i < 300; i++)
        {
            double hour = i < 200 ? i * 4.0 : 800 + (i - 200);
            if (hour != 420)
            {
                settlements.Add((hour, Math.Round(Math.Cos(i * 0.7) * 1e-4, 8), i < 200 ? 4 : 1));
            }
        }

        int n = 1000;
        var open = new long[n];
        var rate = new double[n];
        var time = new double[n];
        var interval = new double[n];
        for (int t = 0; t < n; t++)
        {
            open[t] = t * H;
            var seen = settlements.Where(s => s.Hour * H <= (t + 1) * H).ToArray();
            bool stale = seen.Length == 0 || t % 131 == 7;
            rate[t] = stale ? double.NaN : seen[^1].Rate;
            time[t] = stale ? double.NaN : (seen[^1].Hour * H) + 3;
            interval[t] = stale ? double.NaN : seen[^1].Interval;
        }

        var window = TimeSpan.FromHours(60);
        var sum = new double[n];
        var z = new double[n];
        var change = new double[n];
        var up = new double[n];
        Indicators.CumulativeFunding(rate, time, interval, open, Timeframe.OneHour, window, sum);
        Indicators.FundingZScore(rate, time, interval, open, Timeframe.OneHour, window, z);
        Indicators.FundingRateChange(rate, time, interval, open, Timeframe.OneHour, change);
        Indicators.FundingExtreme(rate, time, interval, open, Timeframe.OneHour, window, 1.0, up);
        var s = new FundingWindowState(window, Timeframe.OneHour);
        var c = new FundingWindowState(Indicators.FundingRateChangeWindow, Timeframe.OneHour);
        for (int t = 0; t < n; t++)
        {
            bool known = s.Update(rate[t], time[t], interval[t], open[t] + H);
            c.Update(rate[t], time[t], interval[t], open[t] + H);
            Assert.True(sum[t].Equals(known ? s.Sum() : double.NaN), $"sum, t {t}");
            Assert.True(z[t].Equals(known ? s.ZScore() : double.NaN), $"z, t {t}");
            Assert.True(up[t].Equals(known ? s.Extreme(1.0) : double.NaN), $"extreme, t {t}");
            Assert.True(change[t].Equals(c.RateChange), $"change, t {t}");
        }

        Assert.Contains(sum, v => !double.IsNaN(v));
        Assert.Contains(sum.Skip(100), double.IsNaN);
    }
}
