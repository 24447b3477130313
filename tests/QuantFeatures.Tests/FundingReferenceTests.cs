using System.Collections.Concurrent;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The funding family and basis on the real Binance samples against the naive reference: BTCUSDT and ETHUSDT 1 h klines with
/// their funding and 8 h mark prices; LAYERUSDT 1 m klines (at 1 m, resampled to 5 m and to 1 h) across its 4 h → 1 h interval
/// change; ENAUSDT 1 m klines (4 h settlements) at 5 m and 1 h; and flat hourly bars spanning each funding file (BTC, ETH, LAYER,
/// BSV, ENA), long enough for the 30-day windows. Hand-checked values around LAYER's change, and no look-ahead of
/// minutes_to_funding.
/// </summary>
public class FundingReferenceTests
{
    private const long Minute = NaiveDerivatives.Minute;
    private static readonly ConcurrentDictionary<string, Lazy<DerivativesWorld>> Cache = new(StringComparer.Ordinal);

    /// <summary>The funding features computable on the real files (no index price there, so no premium).</summary>
    private static readonly string[] RealFeatures = DerivativesReferenceTests.FundingFeatures.Where(f => f != "premium").ToArray();

    private static readonly string[] BarWorlds = ["BTCUSDT-1h", "ETHUSDT-1h", "LAYERUSDT-1m", "LAYERUSDT-1m>5m", "LAYERUSDT-1m>1h", "ENAUSDT-1m>5m", "ENAUSDT-1m>1h"];

    private static readonly string[] SpanWorlds = ["BTCUSDT-span", "ETHUSDT-span", "LAYERUSDT-span", "BSVUSDT-span", "ENAUSDT-span"];

    private static DerivativesWorld World(string name) => Cache.GetOrAdd(name, n => new Lazy<DerivativesWorld>(() => Build(n))).Value;

    private static DerivativesWorld Build(string name)
    {
        var parts = name.Split('-');
        string symbol = parts[0], kind = parts[1];
        if (kind == "span")
        {
            return DerivativesWorld.FundingSpan(symbol);
        }

        if (kind == "1h")
        {
            return DerivativesWorld.Real(name, TestData.LoadBinanceSample(symbol, "1h"), Timeframe.OneHour, symbol);
        }

        var minutes = TestData.LoadBinanceMinutes(symbol);
        var tf = kind == "1m" ? Timeframe.OneMinute : Timeframe.Parse(kind["1m>".Length..]);
        return DerivativesWorld.Real(name, minutes, tf, symbol);
    }

    public static TheoryData<string, string> BarCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var w in BarWorlds)
        {
            foreach (var f in RealFeatures)
            {
                data.Add(f, w);
            }
        }

        return data;
    }

    public static TheoryData<string, string> SpanCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var w in SpanWorlds)
        {
            foreach (var f in RealFeatures.Where(f => f != "basis"))
            {
                data.Add(f, w);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BarCases))]
    public void Real_bars_funding_feature_matches_the_naive_reference(string feature, string world)
    {
        var w = World(world);
        var expected = NaiveDerivatives.FundingFeature(feature, w.Frame, w.Funding, w.Prices);
        DerivativesReferenceTests.Compare(feature, expected, DerivativesReferenceTests.Engine(w.Frame, feature), world);
    }

    [Theory]
    [MemberData(nameof(SpanCases))]
    public void Real_funding_over_its_whole_span_matches_the_naive_reference(string feature, string world)
    {
        var w = World(world);
        var expected = NaiveDerivatives.FundingFeature(feature, w.Frame, w.Funding);

        // The files span ~80–90 days (BSV ~30): no 252-day window, and BSV has no 30-day one.
        bool longWindow = feature is "funding_percentile_252d" || (world.StartsWith("BSV", StringComparison.Ordinal) && feature.Contains("30d", StringComparison.Ordinal))
            || (world.StartsWith("BSV", StringComparison.Ordinal) && feature.StartsWith("funding_extreme", StringComparison.Ordinal));
        Assert.True(longWindow || expected.Count(x => !double.IsNaN(x)) > w.Frame.Length / 4, $"{feature} on {world}: too few defined reference values");
        DerivativesReferenceTests.Compare(feature, expected, DerivativesReferenceTests.Engine(w.Frame, feature), world);
    }

    [Fact]
    public void The_real_worlds_have_the_expected_intervals()
    {
        // The reference's intervals (stated or from the spacing) equal the loader's, and the regimes are as described.
        foreach (var name in BarWorlds.Concat(SpanWorlds))
        {
            var w = World(name);
            var view = new NaiveDerivatives.FundingView(w.Frame, w.Funding);
            var interval = view.Index.Select(i => i >= 0 ? view.Records[i].IntervalHours : double.NaN).ToArray();
            Approx.Identical(interval, w.Frame[MarketColumn.FundingIntervalHours], name);
            var seen = interval.Where(x => !double.IsNaN(x)).Distinct().Order().ToArray();
            double[] expected = name.StartsWith("LAYER", StringComparison.Ordinal) ? [1.0, 4.0] : name.StartsWith("BSV", StringComparison.Ordinal) || name.StartsWith("ENA", StringComparison.Ordinal) ? [4.0] : [8.0];
            Assert.Equal(expected, seen);
        }
    }

    private static int BarDecidingAt(MarketFrame frame, DateTimeOffset decision)
    {
        long d = decision.ToUnixTimeMilliseconds();
        for (int t = 0; t < frame.Length; t++)
        {
            if (frame.Time[t] + frame.Timeframe.Milliseconds == d)
            {
                return t;
            }
        }

        throw new InvalidOperationException($"no bar decides at {decision:O}");
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>
    /// LAYERUSDT settles every 4 h until 2025-05-06T08:00:00.005 (rate −0.02), then every hour: 09:00:00.007 (−0.02),
    /// 10:00:00.004 (−0.01052356), … The settlement before 08:00 is 04:00:00.000 (−0.00266607).
    /// </summary>
    [Theory]
    [InlineData("LAYERUSDT-1m")]
    [InlineData("LAYERUSDT-1m>5m")]
    [InlineData("LAYERUSDT-1m>1h")]
    public void LAYER_funding_annualized_and_minutes_to_funding_across_the_4h_to_1h_change_by_hand(string world)
    {
        var w = World(world);
        var m = new FeatureEngineer().Compute(w.Frame, "funding_annualized", "minutes_to_funding", "funding_rate_change", "funding_rate");
        var naiveMinutes = NaiveDerivatives.FundingFeature("minutes_to_funding", w.Frame, w.Funding);
        var naiveAnnualized = NaiveDerivatives.FundingFeature("funding_annualized", w.Frame, w.Funding);
        void Check(int hour, int minute, double annualized, double minutesToFunding, double? change = null)
        {
            var d = new DateTimeOffset(2025, 5, 6, hour, minute, 0, TimeSpan.Zero);
            if ((d.ToUnixTimeMilliseconds() % w.Frame.Timeframe.Milliseconds) != 0)
            {
                return; // no bar decides then at this timeframe
            }

            int t = BarDecidingAt(w.Frame, d);
            string at = $"{world} d={d:HH:mm}";
            Close(annualized, m["funding_annualized"][t], $"funding_annualized {at}");
            Close(annualized, naiveAnnualized[t], $"naive funding_annualized {at}");
            Assert.Equal(minutesToFunding, m["minutes_to_funding"][t]);
            Assert.Equal(minutesToFunding, naiveMinutes[t]);
            if (change is { } c)
            {
                Close(c, m["funding_rate_change"][t], $"funding_rate_change {at}");
            }
        }

        // d = 07:00: F = −0.00266607 (04:00, interval 4 h): annualized = −0.00266607 × (24 / 4) × 365 = −5.8386933;
        // next settlement on the known 4 h schedule = 04:00 + 4 h = 08:00 → 60 minutes.
        Check(7, 0, -5.8386933, 60);

        // d = 07:59: same F, 08:00 − 07:59 = 1 minute.
        Check(7, 59, -5.8386933, 1);

        // d = 08:00: the 08:00:00.005 settlement is available (≤ d + 1 s): F = −0.02, interval 4 h (spacing 08:00 − 04:00):
        // annualized = −0.02 × 6 × 365 = −43.8; next = 08:00 + 4 h = 12:00 → 240 minutes. Change = −0.02 − (−0.00266607).
        Check(8, 0, -43.8, 240, -0.02 - -0.00266607);

        // d = 08:30 and 08:59: nothing new is known (the 1 h schedule is not announced in the data yet): next = 12:00 → 210, 181.
        Check(8, 30, -43.8, 210);
        Check(8, 59, -43.8, 181);

        // d = 09:00: 09:00:00.007 is available: F = −0.02, spacing 1 h (not a whole multiple ≥ 2 of 4 h) → interval 1 h:
        // annualized = −0.02 × (24 / 1) × 365 = −175.2; next = 09:00 + 1 h = 10:00 → 60 minutes. Change = −0.02 − −0.02 = 0.
        Check(9, 0, -175.2, 60, 0);

        // d = 09:45: 15 minutes to 10:00.
        Check(9, 45, -175.2, 15);

        // d = 10:00: F = −0.01052356, interval 1 h: annualized = −0.01052356 × 24 × 365 = −92.1863856; 60 minutes to 11:00.
        Check(10, 0, -92.1863856, 60, -0.01052356 - -0.02);
    }

    /// <summary>ENAUSDT settles every 4 h (…, 12:00, 16:00, …): hand values on 2025-05-10.</summary>
    [Theory]
    [InlineData("ENAUSDT-1m>5m")]
    [InlineData("ENAUSDT-1m>1h")]
    public void ENA_minutes_to_funding_on_its_4h_schedule_by_hand(string world)
    {
        var w = World(world);
        var minutes = DerivativesReferenceTests.Engine(w.Frame, "minutes_to_funding");
        var annualized = DerivativesReferenceTests.Engine(w.Frame, "funding_annualized");
        var rate = w.Frame[MarketColumn.FundingRate];
        long noon = new DateTimeOffset(2025, 5, 10, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Contains(w.Funding, f => NaiveDerivatives.RoundToMinute(f.Time) == noon);

        // d = 12:00 sees the 12:00 settlement: next 16:00 → 240; d = 13:00 → 180; d = 15:00 → 60; d = 16:00 → 240 again.
        foreach (var (hour, expected) in new[] { (12, 240.0), (13, 180.0), (15, 60.0), (16, 240.0) })
        {
            int t = BarDecidingAt(w.Frame, new DateTimeOffset(2025, 5, 10, hour, 0, 0, TimeSpan.Zero));
            Assert.Equal(expected, minutes[t]);
            Close(rate[t] * 6 * 365, annualized[t], $"annualized at {hour}:00"); // F × (24 / 4) × 365
        }
    }

    /// <summary>
    /// The event-time features are offered only at Δ ≤ 1 h (a longer bar can hide settlements between two decision times);
    /// the others at every Δ. At 4 h: asking for an event-time feature by name is an error naming the timeframe, and the
    /// per-bar ones still equal the reference.
    /// </summary>
    [Fact]
    public void Event_time_funding_features_are_offered_only_up_to_one_hour_bars()
    {
        var w = DerivativesWorld.Synthetic("4h-seed9", Timeframe.Parse("4h"), 600, 9, holes: false);
        foreach (var f in new[] { "funding_rate_change", "cumulative_funding_7d", "funding_zscore_30d", "funding_percentile_252d", "funding_extreme_positive", "funding_extreme_negative" })
        {
            var ex = Assert.Throws<ArgumentException>(() => new FeatureEngineer().Compute(w.Frame, f));
            Assert.Contains("timeframe", ex.Message, StringComparison.Ordinal);
        }

        foreach (var f in new[] { "funding_rate", "funding_rate_change_24h", "funding_annualized", "minutes_to_funding", "basis", "premium" })
        {
            DerivativesReferenceTests.Compare(f, NaiveDerivatives.FundingFeature(f, w.Frame, w.Funding, w.Prices), DerivativesReferenceTests.Engine(w.Frame, f), "4h");
        }
    }

    [Fact]
    public void Minutes_to_funding_lies_in_0_to_60_times_the_interval_on_every_real_world()
    {
        foreach (var name in BarWorlds.Concat(SpanWorlds))
        {
            var w = World(name);
            var minutes = DerivativesReferenceTests.Engine(w.Frame, "minutes_to_funding");
            var interval = w.Frame[MarketColumn.FundingIntervalHours];
            int defined = 0;
            for (int t = 0; t < minutes.Length; t++)
            {
                if (double.IsNaN(minutes[t]))
                {
                    Assert.True(double.IsNaN(interval[t]) || double.IsNaN(w.Frame[MarketColumn.FundingRate][t]), $"{name}[{t}]: NaN with a known schedule");
                    continue;
                }

                defined++;
                Assert.InRange(minutes[t], 0, 60 * interval[t]);
                Assert.Equal(Math.Round(minutes[t]), minutes[t]); // decision times are on the minute grid
            }

            Assert.True(defined > minutes.Length / 2, name);
        }
    }

    /// <summary>
    /// No look-ahead: for each bar k within 8 hours of LAYER's change, the features computed from the settlements available by
    /// d_k + 1 s only (a truncated funding file) equal, at k, the features computed from the whole file.
    /// </summary>
    [Fact]
    public void Funding_features_at_a_bar_never_use_a_settlement_not_yet_available()
    {
        string[] features = ["minutes_to_funding", "funding_annualized", "funding_rate_change", "cumulative_funding_7d", "funding_zscore_30d",
            "funding_percentile_252d", "funding_extreme_positive", "funding_rate_change_24h"];
        var full = World("LAYERUSDT-span");
        var all = new FeatureEngineer().Compute(full.Frame, features);
        long change = new DateTimeOffset(2025, 5, 6, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        int checkedBars = 0;
        for (int k = 0; k < full.Frame.Length; k++)
        {
            long d = full.Frame.Time[k] + NaiveDerivatives.Hour;
            if (Math.Abs(d - change) > 8 * NaiveDerivatives.Hour)
            {
                continue;
            }

            var truncated = DerivativesWorld.FundingSpan("LAYERUSDT", f => f.Time <= d + NaiveDerivatives.Tolerance);
            Assert.Equal(full.Frame.Time[k], truncated.Frame.Time[k]);
            var part = new FeatureEngineer().Compute(truncated.Frame, features);
            foreach (var f in features)
            {
                Assert.True(all[f][k].Equals(part[f][k]), $"{f} at d = {DateTimeOffset.FromUnixTimeMilliseconds(d):O}: {all[f][k]:R} with the whole file, {part[f][k]:R} with what was known");
            }

            // And the reference built from the truncated list agrees (it only ever sees records ≤ d + 1 s).
            Assert.Equal(NaiveDerivatives.FundingFeature("minutes_to_funding", truncated.Frame, truncated.Funding)[k], part["minutes_to_funding"][k]);
            checkedBars++;
        }

        Assert.Equal(17, checkedBars);
    }
}
