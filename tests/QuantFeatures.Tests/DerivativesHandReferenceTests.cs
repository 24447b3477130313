using QuantFeatures.Data;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// Hand-computed small cases for the trickiest derivatives rules: percentile ties, oi_regime_5 signs and zeros, the funding
/// hole rule (a missed settlement; two settlements first visible at the same bar), zero liquidation sums exactly 0, and
/// zero denominators giving NaN. Expected values are worked by hand in the comments (and the naive reference must agree).
/// </summary>
public class DerivativesHandReferenceTests
{
    private const long H = NaiveDerivatives.Hour;
    private static readonly long T0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A frame built directly: OHLC = close, volume 1 (or given), plus the given columns.</summary>
    private static MarketFrame Frame(Timeframe tf, double[] close, params (MarketColumn Column, double[] Values)[] columns)
    {
        int n = close.Length;
        var time = Enumerable.Range(0, n).Select(i => T0 + (i * tf.Milliseconds)).ToArray();
        var b = new MarketFrameBuilder(tf).WithSymbol("HAND").WithTime(time)
            .WithColumn(MarketColumn.Open, close).WithColumn(MarketColumn.High, close).WithColumn(MarketColumn.Low, close)
            .WithColumn(MarketColumn.Close, close);
        if (!columns.Any(c => c.Column == MarketColumn.Volume))
        {
            b = b.WithColumn(MarketColumn.Volume, Enumerable.Repeat(1.0, n).ToArray());
        }

        foreach (var (column, values) in columns)
        {
            b = b.WithColumn(column, values);
        }

        return b.Build();
    }

    private static double[] Engine(MarketFrame frame, string feature) => DerivativesReferenceTests.Engine(frame, feature);

    private static double[] Const(int n, double x) => Enumerable.Repeat(x, n).ToArray();

    [Fact]
    public void Percentile_ties_are_averaged_as_pandas_rank_pct()
    {
        // OI: 50 × 1 (bars 0–49), 50 × 2 (bars 50–99), then 1, 1.5, 3.
        var oi = Enumerable.Range(0, 100).Select(i => i < 50 ? 1.0 : 2.0).Concat([1.0, 1.5, 3.0]).ToArray();
        var frame = Frame(Timeframe.OneHour, Const(oi.Length, 100), (MarketColumn.OpenInterest, oi));
        var p = Engine(frame, "oi_percentile_100");
        Assert.True(double.IsNaN(p[98]));
        // t = 99: window 0–99, current 2: L = 50 below, E = 50 equal → (50 + 51/2) / 100 = 0.755.
        Assert.Equal(0.755, p[99]);
        // t = 100: window 1–100 = 49 ones + the current 1 (50 ones) and 50 twos: L = 0, E = 50 → (0 + 25.5) / 100 = 0.255.
        Assert.Equal(0.255, p[100]);
        // t = 101: window 2–101 = 48 + 1 ones, 50 twos, current 1.5: L = 49, E = 1 → (49 + 1) / 100 = 0.5.
        Assert.Equal(0.5, p[101]);
        // t = 102: 3 is the largest: L = 99, E = 1 → (99 + 1) / 100 = 1.
        Assert.Equal(1.0, p[102]);
        Approx.Identical(NaiveDerivatives.OpenInterestFeature("oi_percentile_100", frame, oi), p, "naive");

        // ls_ratio constant for 30 days of hours: all 720 tie → (0 + 721/2) / 720.
        var ls = Const(725, 1.5);
        var f2 = Frame(Timeframe.OneHour, Const(725, 100), (MarketColumn.LongShortRatio, ls));
        var q = Engine(f2, "ls_ratio_percentile_30d");
        Assert.True(double.IsNaN(q[718]));
        Assert.Equal(360.5 / 720, q[719]);
        Assert.Equal(360.5 / 720, q[724]);
    }

    [Fact]
    public void Funding_percentile_of_a_constant_rate_over_252_days_averages_the_ties()
    {
        // 8 h settlements at T0 + 8h·j, j = 0 … 770, all 0.0001, no jitter; hourly bars from T0 (bar 0 decides T0 + 1 h and
        // sees j = 0: the frame's first settlement, at T0). The 252 d window is known once T0 ≤ d − 252 d (from d = T0 + 6048 h,
        // bar 6047) and the contract's lookback of ceil(252 d / 1 h) = 6048 bars has passed: from bar 6048 (d = T0 + 6049 h).
        // There the window (T0 + 1 h, T0 + 6049 h] holds j = 1 … 756: m = 756, all equal: (0 + 757/2) / 756 = 378.5 / 756.
        var settlements = Enumerable.Range(0, 771).Select(j => new FundingSettlement(T0 + (j * 8 * H), 0.0001)).ToList();
        var frame = LoadHourly(6100, settlements);
        var p = Engine(frame, "funding_percentile_252d");
        Assert.True(double.IsNaN(p[6047]));
        Assert.Equal(378.5 / 756, p[6048]);
        Approx.Identical(NaiveDerivatives.FundingFeature("funding_percentile_252d", frame, settlements), p, "naive");

        // A flat 30-day window: the z-score is NaN (std 0) and the extremes are 0 (known window, F not extreme).
        // 30 d known from bar 720 (the lookback ceil(720 h / 1 h) = 720 bars; T0 ≤ d − 30 d from bar 719).
        var z = Engine(frame, "funding_zscore_30d");
        var up = Engine(frame, "funding_extreme_positive");
        var down = Engine(frame, "funding_extreme_negative");
        Assert.True(double.IsNaN(up[719]) && double.IsNaN(down[719]));
        Assert.All(z, x => Assert.True(double.IsNaN(x)));
        Assert.All(up[720..], x => Assert.Equal(0.0, x));
        Assert.All(down[720..], x => Assert.Equal(0.0, x));
    }

    private static MarketFrame LoadHourly(int bars, IEnumerable<FundingSettlement> funding, IEnumerable<int>? missingBars = null)
    {
        var missing = new HashSet<int>(missingBars ?? []);
        var klines = Enumerable.Range(0, bars).Where(i => !missing.Contains(i)).Select(i => new Kline(T0 + (i * H), 100, 101, 99, 100, 10));
        var loader = new MarketDataLoader(new InMemoryKlineSource().Add("X", klines, Timeframe.OneHour))
            .WithFunding(new InMemorySource<FundingSettlement>().Add("X", funding));
        // These hand cases check the columns-only reconstruction (what the bars saw, with the catalogue's lookbacks): the
        // loader's funding history is removed. FundingHistoryTests covers frames that keep it.
        return loader.LoadAsync("X", Timeframe.OneHour, new TimeRange(T0, T0 + (bars * H))).GetAwaiter().GetResult().WithFundingHistory(null);
    }

    [Fact]
    public void A_missed_funding_settlement_is_a_hole_that_event_time_windows_do_not_reach_back_over()
    {
        // 8 h settlements s_j at T0 + 8h·j with rate r_j = 1e-5·(j + 1), j = 0 … 80, s_30 (T0 + 240 h) missing. Hourly bars from
        // T0: bar t decides at d = T0 + (t + 1) h, and s_j is seen at bar 8j − 1.
        var settlements = Enumerable.Range(0, 81).Where(j => j != 30).Select(j => new FundingSettlement(T0 + (j * 8 * H), 1e-5 * (j + 1))).ToList();
        var frame = LoadHourly(640, settlements);
        var change = Engine(frame, "funding_rate_change");
        var cum = Engine(frame, "cumulative_funding_7d");

        // funding_rate_change: at s_29's bar (231) r29 − r28 = 1e-5; at s_31's bar (247) the spacing from s_29 is
        // 16 h > 1.5 × 8 h: a hole → NaN until s_32 (bar 255): r32 − r31. (Bars 232–246: see the overdue test below.)
        // Bars 0–7: the contract's lookback ceil(8 h / 1 h) = 8 bars (bar 7 already sees s_1); bar 8 shows r1 − r0.
        Assert.True(double.IsNaN(change[7]));
        Assert.Equal(1e-5, change[8], 1e-15);
        Assert.Equal(1e-5, change[231], 1e-15);
        Assert.All(change[247..255], x => Assert.True(double.IsNaN(x)));
        Assert.Equal(1e-5, change[255], 1e-15);

        // cumulative_funding_7d: T0 ≤ d − 168 h from bar 167, and the lookback of 168 bars has passed from bar 168 (d = T0 + 169 h):
        // window (T0 + 1 h, T0 + 169 h] = j 1 … 21: Σ 1e-5·(j + 1) = 1e-5·(2 + … + 22) = 1e-5·252.
        Assert.True(double.IsNaN(cum[167]));
        Assert.Equal(252e-5, cum[168], 1e-15);
        // Bar 239 (d = T0 + 240 h, s_30 due but not seen, no hole known yet): window (T0 + 72 h, T0 + 240 h] = j 10 … 29 → 1e-5·(11 + … + 30) = 410e-5.
        // Still so at bar 243 (d = T0 + 244 h: 12 h = 1.5 intervals after s_29, not yet overdue; window (76 h, 244 h] = j 10 … 29).
        Assert.Equal(410e-5, cum[239], 1e-15);
        Assert.Equal(410e-5, cum[243], 1e-15);
        // Bars 244–246 (d − s_29 = 13 … 15 h > 12 h): s_30 is overdue by more than half an interval → NaN. From bar 247 the hole
        // (s_29, s_31] is known; the window reaches back over it until d − 168 h ≥ T0 + 248 h, d ≥ T0 + 416 h:
        // bar 415, window (T0 + 248 h, T0 + 416 h] = j 32 … 52 → 1e-5·(33 + … + 53) = 903e-5.
        Assert.All(cum[244..415], x => Assert.True(double.IsNaN(x)));
        Assert.Equal(903e-5, cum[415], 1e-15);

        Approx.Equal(NaiveDerivatives.FundingFeature("cumulative_funding_7d", frame, settlements), cum, 1e-9, 1e-15, "naive cumulative");
        var naiveChange = NaiveDerivatives.FundingFeature("funding_rate_change", frame, settlements);
        Approx.Equal(naiveChange[..232], change[..232], 1e-9, 1e-15, "naive change");
        Approx.Equal(naiveChange[247..], change[247..], 1e-9, 1e-15, "naive change");
    }

    /// <summary>
    /// Reading of docs/derivatives.md: the "overdue" rule (NaN while the next settlement is more than half an interval late)
    /// belongs to the event-time WINDOWS ("Known windows only"); funding_rate_change is defined as F − the settlement just
    /// before it, NaN only for the first settlement or a hole. While s_30 is overdue, F = r29 and r28 are both known, and
    /// funding_rate (F) itself stays defined, so the change stays defined too: r29 − r28 = 1e-5 at bars 244–246.
    /// </summary>
    [Fact]
    public void Funding_rate_change_stays_defined_while_the_next_settlement_is_overdue()
    {
        var settlements = Enumerable.Range(0, 81).Where(j => j != 30).Select(j => new FundingSettlement(T0 + (j * 8 * H), 1e-5 * (j + 1))).ToList();
        var frame = LoadHourly(640, settlements);
        var change = Engine(frame, "funding_rate_change");
        for (int t = 232; t < 247; t++)
        {
            Assert.Equal(1e-5 * 30, frame[MarketColumn.FundingRate][t], 1e-18); // F = r29, still defined
            Assert.True(Math.Abs(change[t] - 1e-5) < 1e-15, $"funding_rate_change[{t}] = {change[t]:R}, expected r29 − r28 = 1e-5");
        }
    }

    [Fact]
    public void Two_settlements_first_visible_at_the_same_bar_leave_a_hole()
    {
        // Hourly settlements s_j at T0 + j h (r_j = 1e-6·j), hourly bars with bar 50 (open T0 + 50 h) missing. Bar 49 decides at
        // T0 + 50 h and sees s_50; the next bar (open T0 + 51 h, decision T0 + 52 h) sees s_51 and s_52 at once: s_51 is never
        // seen, the spacing s_50 → s_52 is 2 h > 1.5 h: a hole. funding_rate_change is NaN there, and r53 − r52 on the next bar.
        var settlements = Enumerable.Range(0, 400).Select(j => new FundingSettlement(T0 + (j * H), 1e-6 * j, 1)).ToList();
        var frame = LoadHourly(400, settlements, [50]);
        int at52 = Array.IndexOf(frame.Time.ToArray(), T0 + (51 * H));
        Assert.Equal(50, at52); // frame index 50 holds the bar opening T0 + 51 h
        var change = Engine(frame, "funding_rate_change");
        Assert.Equal(1e-6, change[49], 1e-15);
        Assert.True(double.IsNaN(change[50]));
        Assert.Equal(1e-6, change[51], 1e-15);

        // cumulative_funding_7d: the first settlement seen is s_1 (bar 0 decides at T0 + 1 h; s_0 was superseded before any
        // bar decided); the hole ends at s_52: known once d − 168 h ≥ T0 + 52 h, i.e. d = T0 + 220 h: the bar opening T0 + 219 h,
        // frame index 218 (one bar missing). Window (T0 + 52 h, T0 + 220 h] = j 53 … 220: Σ 1e-6·j = 1e-6·(53 + 220)·168/2.
        var cum = Engine(frame, "cumulative_funding_7d");
        Assert.True(double.IsNaN(cum[217]));
        Assert.Equal(1e-6 * (53 + 220) * 168 / 2, cum[218], 1e-14);
        Approx.Equal(NaiveDerivatives.FundingFeature("cumulative_funding_7d", frame, settlements), cum, 1e-9, 1e-15, "naive cumulative");
        Approx.Equal(NaiveDerivatives.FundingFeature("funding_rate_change", frame, settlements), change, 1e-9, 1e-15, "naive change");
    }

    [Fact]
    public void Event_time_windows_use_the_scheduled_settlement_time_not_the_millisecond_jitter()
    {
        // 8 h settlements of a constant 1e-4, stamped (j mod 3) ms late as Binance does (…08:00:00.001). A 7-day window
        // (d − 168 h, d] holds exactly 21 of them at every bar: never the one scheduled exactly 7 days before d, whether it
        // was stamped .000 or .001. So cumulative_funding_7d = 21 × 1e-4 at every known bar, and the 30-day z-score window
        // holds 90 (checked through the percentile of a constant: (0 + 91/2) / 90).
        var settlements = Enumerable.Range(0, 200).Select(j => new FundingSettlement(T0 + (j * 8 * H) + (j % 3), 1e-4)).ToList();
        var frame = LoadHourly(1500, settlements);
        var cum = Engine(frame, "cumulative_funding_7d");
        for (int t = 168; t < 1500; t++)
        {
            Assert.True(Math.Abs(cum[t] - 21e-4) < 1e-15, $"cumulative_funding_7d[{t}] (d = T0 + {t + 1} h) = {cum[t]:R}, expected 21 × 1e-4");
        }

        Approx.Equal(NaiveDerivatives.FundingFeature("cumulative_funding_7d", frame, settlements), cum, 1e-9, 1e-15, "naive");
    }

    [Fact]
    public void Oi_regime_5_signs_and_zeros()
    {
        // Bars 0–4: C = 10, OI = 100. Then, against the bar 5 earlier:
        //   t5: C 11 ↑, OI 101 ↑ → +2     t6: C 11 ↑, OI 99 ↓ → +1     t7: C 9 ↓, OI 99 ↓ → −1     t8: C 9 ↓, OI 101 ↑ → −2
        //   t9: C 10 = 10 (no change), OI 150 ↑ → 0
        //   t10 vs t5 (11, 101): C 12 ↑, OI 101 = → 0      t11 vs t6: OI NaN → NaN      t12 vs t7 (9, 99): C 8 ↓, OI 98 ↓ → −1
        double[] c = [10, 10, 10, 10, 10, 11, 11, 9, 9, 10, 12, 13, 8];
        double[] oi = [100, 100, 100, 100, 100, 101, 99, 99, 101, 150, 101, double.NaN, 98];
        var frame = Frame(Timeframe.OneHour, c, (MarketColumn.OpenInterest, oi));
        double n = double.NaN;
        double[] expected = [n, n, n, n, n, 2, 1, -1, -2, 0, 0, n, -1];
        Approx.Identical(expected, Engine(frame, "oi_regime_5"), "oi_regime_5");
        Approx.Identical(expected, NaiveDerivatives.Regime(c, oi, 5), "naive");
    }

    [Fact]
    public async Task Zero_liquidation_sums_are_exactly_zero_and_their_ratios_NaN()
    {
        // 5 m bars (1 h = 12 bars, 24 h = 288). Bars 0–2 hold events whose notionals leave rounding residues in a running
        // sum (0.1 × 3, 0.7 × 0.1, a $50M liquidation next to $0.3); bar 400 holds a single $30 long liquidation. Everything
        // else is quiet.
        var tf = Timeframe.FromTimeSpan(TimeSpan.FromMinutes(5));
        long step = tf.Milliseconds;
        var events = new List<LiquidationEvent>
        {
            new(T0 + 1, LiquidationSide.Long, 0.1, 3),
            new(T0 + 2, LiquidationSide.Short, 0.7, 0.1),
            new(T0 + step + 5, LiquidationSide.Long, 100_000, 500),
            new(T0 + step + 6, LiquidationSide.Short, 1, 0.3),
            new(T0 + (2 * step), LiquidationSide.Short, 0.1, 0.2), // exactly at bar 2's open: bar 2
            new(T0 + (400 * step) + 7, LiquidationSide.Long, 3, 10),
        };
        int n = 700;
        var klines = Enumerable.Range(0, n).Select(i => new Kline(T0 + (i * step), 100, 101, 99, 100, 10, i == 400 ? 0 : 1000));
        var loader = new MarketDataLoader(new InMemoryKlineSource([MarketColumn.QuoteVolume]).Add("X", klines, tf))
            .WithLiquidations(new InMemorySource<LiquidationEvent>().Add("X", events));
        var frame = await loader.LoadAsync("X", tf, new TimeRange(T0, T0 + (n * step)));
        var m = new FeatureEngineer().Compute(frame, DerivativesReferenceTests.LiquidationFeatures);

        // The last event of bars 0–2 (bar 2, a short) leaves the 12-bar window at bar 14, the last long (bar 1) at bar 13:
        // every sum is exactly 0 from there to bar 399.
        foreach (var (sum, firstZero) in new[] { ("liquidation_vol_1h", 14), ("long_liq_vol_1h", 13), ("short_liq_vol_1h", 14), ("liquidation_count_1h", 14) })
        {
            Assert.NotEqual(0.0, m[sum][firstZero - 1]);
            for (int t = firstZero; t < 400; t++)
            {
                Assert.True(m[sum][t].Equals(0.0), $"{sum}[{t}] = {m[sum][t]:R}, expected exactly 0");
            }
        }

        for (int t = 14; t < 400; t++)
        {
            Assert.True(double.IsNaN(m["avg_liq_size_1h"][t]) && double.IsNaN(m["liq_imbalance_1h"][t]) && double.IsNaN(m["liq_long_short_ratio_1h"][t]), $"ratios at {t}");
            Assert.True(m["liquidation_intensity"][t].Equals(0.0), $"intensity at {t}"); // 0 / 1000
        }

        // Bar 400: one long of $30 (3 × 10): imbalance (30 − 0) / 30 = 1; long/short = 30 / 0 → NaN; avg size 30 / 1;
        // intensity 30 / 0 (quote volume 0) → NaN.
        double v = 3 * 10;
        Assert.Equal(1.0, m["liq_imbalance_1h"][400]);
        Assert.True(double.IsNaN(m["liq_long_short_ratio_1h"][400]));
        Assert.Equal(v, m["avg_liq_size_1h"][400], 1e-15);
        Assert.True(double.IsNaN(m["liquidation_intensity"][400]));

        // 24 h windows: bars 2 + 288 = 290 … 399 hold a day without any liquidation: spike (0 / mean 0) and z-score (flat) NaN.
        for (int t = 290; t < 400; t++)
        {
            Assert.True(double.IsNaN(m["liq_spike_24h"][t]) && double.IsNaN(m["liq_zscore_24h"][t]), $"24 h at {t}");
        }

        // Bar 400: spike = v / (v / 288) = 288. The z-score of one non-zero v among 288 values: μ = v/288, v − μ = 287v/288,
        // s² = ((287v/288)² + 287·(v/288)²) / 287 = v²·(287 + 1)/288² = v²/288, so z = (287v/288) / (v/√288) = 287/√288.
        Assert.Equal(288, m["liq_spike_24h"][400], 1e-9);
        Assert.Equal(287 / Math.Sqrt(288), m["liq_zscore_24h"][400], 1e-9);

        foreach (var f in DerivativesReferenceTests.LiquidationFeatures)
        {
            DerivativesReferenceTests.Compare(f, NaiveDerivatives.LiquidationFeature(f, frame, events), m[f].ToArray(), "hand liquidations");
        }
    }

    [Fact]
    public void Zero_and_flat_denominators_give_NaN()
    {
        // OI: 100 flat for 120 bars (std 0, flat bands), then 0, then 50. Volume 0 for the first 30 bars.
        int n = 125;
        var oi = Enumerable.Range(0, n).Select(i => i < 120 ? 100.0 : i == 120 ? 0 : 50).ToArray();
        var volume = Enumerable.Range(0, n).Select(i => i < 30 ? 0.0 : 5).ToArray();
        var ls = Enumerable.Range(0, n).Select(i => i == 3 ? 0.0 : 1.2).ToArray();
        var top = Enumerable.Range(0, n).Select(i => i == 5 ? -1.0 : 1.3).ToArray();
        var frame = Frame(Timeframe.OneHour, Const(n, 100), (MarketColumn.OpenInterest, oi), (MarketColumn.Volume, volume),
            (MarketColumn.LongShortRatio, ls), (MarketColumn.TopTraderLongShortRatio, top));

        Assert.True(double.IsNaN(Engine(frame, "oi_bb_position")[119])); // flat window
        Assert.Equal(0.0, Engine(frame, "oi_std_20")[119]);
        Assert.Equal(100.0, Engine(frame, "oi_bb_upper")[119]);
        Assert.True(double.IsNaN(Engine(frame, "oi_zscore_100")[119])); // std 0
        Assert.Equal(-1.0, Engine(frame, "oi_change_1")[120]);           // 0 / 100 − 1
        Assert.True(double.IsNaN(Engine(frame, "oi_change_1")[121]));    // 50 / 0
        Assert.True(double.IsNaN(Engine(frame, "oi_macd")[120]));        // ln 0: NaN
        Assert.True(double.IsNaN(Engine(frame, "oi_volume_ratio")[23])); // Σ V over 24 h = 0
        Assert.Equal(100.0 / (5 * 24), Engine(frame, "oi_volume_ratio")[53]);
        Assert.True(double.IsNaN(Engine(frame, "ls_ratio_change_1h")[4]));  // 1.2 / 0
        Assert.True(double.IsNaN(Engine(frame, "ls_top_vs_crowd")[3]));     // ln 0
        Assert.True(double.IsNaN(Engine(frame, "ls_top_vs_crowd")[5]));     // ln(−1)
        Assert.Equal(Math.Log(1.3) - Math.Log(1.2), Engine(frame, "ls_top_vs_crowd")[6], 1e-15);

        foreach (var f in new[] { "oi_bb_position", "oi_std_20", "oi_zscore_100", "oi_change_1", "oi_macd", "oi_volume_ratio", "oi_percentile_100", "oi_regime_5" })
        {
            DerivativesReferenceTests.Compare(f, NaiveDerivatives.OpenInterestFeature(f, frame, oi), Engine(frame, f), "hand OI");
        }
    }
}
