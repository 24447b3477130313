using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>Time and quality kernels: hand cases, calendar references through <see cref="DateTimeOffset"/>, naive
/// z-scores and counts, and kernel = state bit for bit.</summary>
public class TimeQualityKernelTests
{
    private static readonly long Hour = TestData.HourMs;

    public static TheoryData<string> Inputs => new() { "synthetic", "synthetic-holes", "btc", "btc-holes" };

    [Fact]
    public void Calendar_encoding_by_hand()
    {
        // Bar opened Monday 2025-01-06 13:00Z, Δ = 1h → decided at Monday 14:00: hour angle 2π·14/24, week angle 2π·(14/24)/7.
        // Bar opened Sunday 2025-01-12 23:30Z, Δ = 30m → decided Monday 00:00: both angles 0.
        long monday = new DateTimeOffset(2025, 1, 6, 13, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long sunday = new DateTimeOffset(2025, 1, 12, 23, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var s = new double[1];
        var c = new double[1];
        Indicators.HourOfDayEncoding([monday], Hour, s, c);
        Assert.Equal(Math.Sin(2 * Math.PI * 14 / 24), s[0], 1e-15);
        Assert.Equal(Math.Cos(2 * Math.PI * 14 / 24), c[0], 1e-15);
        Indicators.DayOfWeekEncoding([monday], Hour, s, c);
        Assert.Equal(Math.Sin(2 * Math.PI * 14 / 24 / 7), s[0], 1e-15);
        Assert.Equal(Math.Cos(2 * Math.PI * 14 / 24 / 7), c[0], 1e-15);
        Indicators.HourOfDayEncoding([sunday], Hour / 2, s, c);
        Assert.Equal((0.0, 1.0), (s[0], c[0]));
        Indicators.DayOfWeekEncoding([sunday], Hour / 2, s, c);
        Assert.Equal((0.0, 1.0), (s[0], c[0]));
        // Before the Unix epoch (negative times) the floor modulo still gives the right phase: 1969-12-31 was a Wednesday.
        long beforeEpoch = new DateTimeOffset(1969, 12, 31, 5, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Indicators.DayOfWeekEncoding([beforeEpoch], Hour, s, c);
        Assert.Equal(Math.Sin(2 * Math.PI * (2 + 6.0 / 24) / 7), s[0], 1e-15);
    }

    [Theory]
    [InlineData(60_000L)]
    [InlineData(900_000L)]
    [InlineData(3_600_000L)]
    [InlineData(14_400_000L)]
    [InlineData(86_400_000L)]
    public void Calendar_encoding_equals_datetime_reference_and_state(long timeframe)
    {
        var frame = TestData.Synthetic(3000, timeframe: new Timeframe(timeframe));
        // Irregular times too: every 37th bar missing, and one bar shifted off the grid by 1 ms.
        var time = frame.Time.ToArray().Where((_, i) => i % 37 != 5).ToArray();
        time[1500] += 1;
        int n = time.Length;
        var hs = new double[n];
        var hc = new double[n];
        var ds = new double[n];
        var dc = new double[n];
        Indicators.HourOfDayEncoding(time, timeframe, hs, hc);
        Indicators.DayOfWeekEncoding(time, timeframe, ds, dc);
        var st = new CalendarEncodingState(timeframe);
        for (int i = 0; i < n; i++)
        {
            var decision = DateTimeOffset.FromUnixTimeMilliseconds(time[i] + timeframe).UtcDateTime;
            double dayFraction = decision.TimeOfDay.TotalSeconds / 86_400;
            double days = ((int)decision.DayOfWeek + 6) % 7 + dayFraction; // Monday = 0
            Assert.Equal(Math.Sin(2 * Math.PI * dayFraction), hs[i], 1e-12);
            Assert.Equal(Math.Cos(2 * Math.PI * dayFraction), hc[i], 1e-12);
            Assert.Equal(Math.Sin(2 * Math.PI * days / 7), ds[i], 1e-12);
            Assert.Equal(Math.Cos(2 * Math.PI * days / 7), dc[i], 1e-12);
            st.Update(time[i]);
            Assert.Equal((hs[i], hc[i], ds[i], dc[i]), (st.HourSin, st.HourCos, st.DaySin, st.DayCos));
        }
    }

    [Fact]
    public void Gap_detection_by_hand_at_the_1_1_delta_boundary()
    {
        // Δ = 1h: steps 1h (no gap), exactly 1.1h = 3,960,000 ms (no gap: the test is strict), 1.1h + 1 ms (gap), 3h (gap).
        long[] t = [0, Hour, Hour + 3_960_000, 2 * Hour + 3_960_000 + 3_960_001, 5 * Hour + 3_960_000 + 3_960_001];
        var d = new double[t.Length];
        Indicators.GapDetected(t, Hour, d);
        Approx.Identical([0, 0, 0, 1, 1], d);
        var st = new GapState(Hour);
        Approx.Identical(d, t.Select(st.Update).ToArray(), "gap state");
        // Δ = 7 ms (not a multiple of 10): 1.1Δ = 7.7, so a step of 8 is a gap and 7 is not.
        Indicators.GapDetected([0, 7, 15, 22], 7, d.AsSpan(0, 4));
        Approx.Identical([0, 0, 1, 0], d.AsSpan(0, 4));
    }

    [Fact]
    public void Gap_detection_on_the_real_sample_equals_naive()
    {
        var frame = TestData.LoadBinanceSample();
        var t = frame.Time.ToArray();
        var d = new double[t.Length];
        Indicators.GapDetected(t, frame.Timeframe.Milliseconds, d);
        for (int i = 0; i < t.Length; i++)
        {
            Assert.Equal(i > 0 && t[i] - t[i - 1] > 1.1 * frame.Timeframe.Milliseconds ? 1.0 : 0.0, d[i]);
        }
    }

    [Fact]
    public void Volume_anomaly_by_hand()
    {
        // The z-score is taken against the 20 PRECEDING bars. 20 bars alternating 100/110: mean 105, sample std
        // √(20·25/19) = 5.1299…; then 140: z = 35/5.13 = 6.82 > 5 → 1; then 106: the preceding window (19 of the
        // 100/110 bars and 140) has mean 106.75 and std ≈ 8.4, z ≈ −0.09 → 0; then a zero volume → 1; then NaN → NaN.
        var v = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 100.0 : 110.0).Append(140).Append(106).Append(0).Append(double.NaN).ToArray();
        var d = new double[v.Length];
        Indicators.VolumeAnomaly(v, 20, 5, d);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(0.0, d[i]);
        }

        Assert.Equal(1.0, d[20]);
        Assert.Equal(0.0, d[21]);
        Assert.Equal(1.0, d[22]); // zero volume
        Assert.True(double.IsNaN(d[23])); // NaN volume
        var st = new VolumeAnomalyState(20, 5);
        Approx.Identical(d, v.Select(st.Update).ToArray(), "anomaly state");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Volume_anomaly_equals_naive_zscore_rule_and_state(string input)
    {
        var b = PriceStatsKernelTests.Bars.Get(input);
        var v = b.V.ToArray();
        v[100] = 0;
        v[200] = v[199] * 50; // a spike
        var d = new double[b.N];
        Indicators.VolumeAnomaly(v, 20, 5, d);
        // Reference: z of V_t against the preceding 20 bars (window t−20 … t−1), two-pass.
        var z = new double[b.N];
        for (int t = 0; t < b.N; t++)
        {
            var w = t >= 20 ? v.AsSpan(t - 20, 20).ToArray() : [];
            z[t] = w.Length == 20 && !w.Any(double.IsNaN) ? (v[t] - w.Average()) / Math.Sqrt(CoreKernelTests.TwoPassVariance(w, 1)) : double.NaN;
        }

        for (int t = 0; t < b.N; t++)
        {
            double expected = double.IsNaN(v[t]) ? double.NaN : v[t] == 0 || z[t] > 5 ? 1 : 0;
            Assert.True(expected.Equals(d[t]) || Math.Abs(z[t] - 5) < 1e-9, $"anomaly[{t}] = {d[t]}, expected {expected} (z = {z[t]})");
        }

        Assert.Equal(1.0, d[100]);
        if (!double.IsNaN(v[200]) && !double.IsNaN(z[200]))
        {
            Assert.Equal(1.0, d[200]); // the spike fires now that it is measured against the volume before it
        }

        var st = new VolumeAnomalyState(20, 5);
        Approx.Identical(d, v.Select(st.Update).ToArray(), "anomaly state");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Completeness_and_quality_equal_naive_and_state(string input)
    {
        var b = PriceStatsKernelTests.Bars.Get(input);
        var time = b.Time.ToArray();
        time[^1] += 5 * Hour; // a gap before the last bar
        var o = b.O.ToArray();
        var h = b.H.ToArray();
        o[50] = -1; // invalid bar
        h[60] = Math.Max(o[60], b.C[60]) - 1; // high below the body
        var v = b.V.ToArray();
        v[70] = 0;
        ReadOnlyMemory<double>[] columns = [o, h, b.L, b.C, v];
        var completeness = new double[b.N];
        Indicators.DataCompleteness(columns, completeness);
        var gap = new double[b.N];
        Indicators.GapDetected(time, b.Timeframe.Milliseconds, gap);
        var anomaly = new double[b.N];
        Indicators.VolumeAnomaly(v, 20, 5, anomaly);
        var score = new double[b.N];
        Indicators.QualityScore(o, h, b.L, b.C, completeness, gap, anomaly, score);
        var cs = new DataCompletenessState(5);
        var qs = new QualityScoreState(b.Timeframe.Milliseconds, 5, 20, 5);
        var row = new double[5];
        for (int t = 0; t < b.N; t++)
        {
            double[] values = [o[t], h[t], b.L[t], b.C[t], v[t]];
            double share = values.Count(x => !double.IsNaN(x)) / 5.0;
            Assert.Equal(share, completeness[t]);
            bool invalid = values.Take(4).Any(x => x <= 0) || h[t] < Math.Max(o[t], b.C[t]) || b.L[t] > Math.Min(o[t], b.C[t]);
            double a = double.IsNaN(anomaly[t]) ? 0 : anomaly[t];
            Assert.Equal(invalid ? 0 : share * (1 - 0.5 * gap[t]) * (1 - 0.5 * a), score[t]);
            Assert.InRange(score[t], 0, 1);
            values.CopyTo(row, 0);
            Assert.Equal(completeness[t], cs.Update(row));
            Assert.Equal(score[t], qs.Update(time[t], o[t], h[t], b.L[t], b.C[t], v[t], row));
        }

        Assert.Equal(0.0, score[50]);
        Assert.Equal(0.0, score[60]);
        Assert.Equal(0.5 * completeness[70], score[70]);
        Assert.Equal(0.5 * completeness[^1] * (1 - 0.5 * (double.IsNaN(anomaly[^1]) ? 0 : anomaly[^1])), score[^1]);
    }

    [Fact]
    public void Guards_reject_bad_arguments()
    {
        var d = new double[3];
        Assert.Throws<ArgumentOutOfRangeException>("timeframeMilliseconds", () => Indicators.GapDetected([0, 1, 2], 0, d));
        Assert.Throws<ArgumentOutOfRangeException>("timeframeMilliseconds", () => Indicators.HourOfDayEncoding([0, 1, 2], -5, d, d));
        Assert.Throws<ArgumentException>("columns", () => Indicators.DataCompleteness([], d));
        Assert.Throws<ArgumentException>("columns[1]", () => Indicators.DataCompleteness([new double[3], new double[2]], d));
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => Indicators.VolumeAnomaly([1, 2, 3], 2, double.NaN, d));
        Assert.Throws<ArgumentException>("row", () => new DataCompletenessState(3).Update([1.0, 2.0]));
    }
}
