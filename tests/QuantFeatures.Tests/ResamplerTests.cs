using QuantFeatures.Data;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

public class ResamplerTests
{
    private const long Minute = 60_000;
    private static readonly long Day0 = new DateTimeOffset(2025, 5, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly Timeframe FiveMinutes = Timeframe.Parse("5m");

    /// <summary>12 one-minute bars 00:02 … 00:13: the 5m bar 00:00 has 3 sub-bars, 00:05 all 5, 00:10 four.</summary>
    private static MarketFrame HandFrame()
    {
        double[][] rows =
        [
            // minute, O, H, L, C, V
            [2, 10, 11, 9, 10.5, 1],
            [3, 10.5, 12, 10, 11, 2],
            [4, 11, 11.5, 10.5, 11, 3],
            [5, 11, 13, 10.5, 12, 4],
            [6, 12, 12.5, 11, 11.5, 0],
            [7, 11.5, 14, 11, 13, 6],
            [8, 13, 13.5, 12, 12.5, 2],
            [9, 12.5, 13, 9.5, 10, 8],
            [10, 10, 10.5, 9, 9.5, 1],
            [11, 9.5, 10, 9, 10, 1],
            [12, 10, 10.5, 9.5, 10, 1],
            [13, 10, 11, 10, 11, 1],
        ];
        return MarketFrame.Create(Timeframe.OneMinute, rows.Select(r => Day0 + ((long)r[0] * Minute)).ToArray(), rows.Select(r => r[1]).ToArray(),
            rows.Select(r => r[2]).ToArray(), rows.Select(r => r[3]).ToArray(), rows.Select(r => r[4]).ToArray(), rows.Select(r => r[5]).ToArray(), "HAND");
    }

    private static double Std(params double[] x) => NaiveResampler.StdDev(x);

    [Fact]
    public void Hand_computed_5m_bar_from_five_1m_bars()
    {
        var r = Resampler.ResampleDetailed(HandFrame(), FiveMinutes);
        var f = r.Frame;
        // Default policy: the incomplete first (00:00, 3 of 5) and last (00:10, 4 of 5) bars are edges and are dropped.
        Assert.Equal([Day0 + (5 * Minute)], f.Time.ToArray());
        Assert.Equal(3, r.TargetPeriods);
        Assert.Equal(2, r.IncompleteBarsDropped);
        Assert.Equal(0, r.IncompleteBarsKept);
        Assert.Equal(FiveMinutes, f.Timeframe);
        Assert.Equal("HAND", f.Symbol);
        Assert.Equal(11, f.Open[0]);                        // open of 00:05
        Assert.Equal(14, f.High[0]);                        // max(13, 12.5, 14, 13.5, 13)
        Assert.Equal(9.5, f.Low[0]);                        // min(10.5, 11, 11, 12, 9.5)
        Assert.Equal(10, f.Close[0]);                       // close of 00:09
        Assert.Equal(20, f.Volume[0]);                      // 4 + 0 + 6 + 2 + 8
        Assert.Equal(1.0, f[MarketColumn.IntrabarCoverage][0]);
        // VWAP: Σ TP·V = (35.5·4 + 35·0 + 38·6 + 38·2 + 32.5·8) / 3 = 706 / 3; Σ V = 20 → 706 / 60.
        Assert.Equal(706.0 / 60, f[MarketColumn.IntrabarVwap][0], 12);
        // Volume CV: mean 4, squared deviations 0 + 16 + 4 + 4 + 16 = 40, var = 40 / 4 = 10 → √10 / 4.
        Assert.Equal(Math.Sqrt(10) / 4, f[MarketColumn.IntrabarVolumeCv][0], 14);
        // Returns: the first from the previous bar's last close (00:04, 11).
        double rv = Std(Math.Log(12 / 11.0), Math.Log(11.5 / 12), Math.Log(13 / 11.5), Math.Log(12.5 / 13), Math.Log(10 / 12.5)) * Math.Sqrt(5);
        Assert.Equal(rv, f[MarketColumn.IntrabarRealizedVol][0], 14);
    }

    [Fact]
    public void Keep_all_keeps_the_incomplete_edges_with_their_coverage()
    {
        var r = Resampler.ResampleDetailed(HandFrame(), FiveMinutes, new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        var f = r.Frame;
        Assert.Equal([Day0, Day0 + (5 * Minute), Day0 + (10 * Minute)], f.Time.ToArray());
        Assert.Equal(2, r.IncompleteBarsKept);
        Assert.Equal(0, r.IncompleteBarsDropped);
        Assert.Equal([3 / 5.0, 1.0, 4 / 5.0], f[MarketColumn.IntrabarCoverage].ToArray());
        Assert.Equal([10.0, 11, 10], f.Open.ToArray());
        Assert.Equal([12.0, 14, 11], f.High.ToArray());
        Assert.Equal([9.0, 9.5, 9], f.Low.ToArray());
        Assert.Equal([11.0, 10, 11], f.Close.ToArray());
        Assert.Equal([6.0, 20, 4], f.Volume.ToArray());
        // 00:00: 00:02 has no predecessor, so two returns: ln(11/10.5) and ln(11/11) = 0.
        Assert.Equal(Std(Math.Log(11 / 10.5), 0) * Math.Sqrt(5), f[MarketColumn.IntrabarRealizedVol][0], 14);
        // 00:10: ln(9.5/10) from 00:09's close, then ln(10/9.5), 0, ln(11/10).
        Assert.Equal(Std(Math.Log(9.5 / 10), Math.Log(10 / 9.5), 0, Math.Log(1.1)) * Math.Sqrt(5), f[MarketColumn.IntrabarRealizedVol][2], 14);
        // 00:10: four equal volumes → CV exactly 0.
        Assert.Equal(0.0, f[MarketColumn.IntrabarVolumeCv][2]);
    }

    [Theory]
    [InlineData(IncompleteBarPolicy.DropEdges, new[] { 1, 2, 3 }, 1, 2)]
    [InlineData(IncompleteBarPolicy.DropAll, new[] { 1, 3 }, 0, 3)]
    [InlineData(IncompleteBarPolicy.KeepAll, new[] { 0, 1, 2, 3, 4 }, 3, 0)]
    public void Policies_on_edges_and_an_interior_hole(IncompleteBarPolicy policy, int[] keptHours, int incompleteKept, int dropped)
    {
        // 1m bars from 00:30 to 04:29 without 02:17: hours 00 (30 of 60), 01, 02 (59), 03 complete, 04 (30).
        var full = TestData.Synthetic(240, seed: 7, timeframe: Timeframe.OneMinute);
        var times = full.Time.ToArray().Select(t => t + (30 * Minute)).ToArray();
        var keep = Enumerable.Range(0, 240).Where(i => i != 60 + 47).ToArray();
        var b = new MarketFrameBuilder(Timeframe.OneMinute).WithTime(keep.Select(i => times[i]).ToArray());
        foreach (var c in full.Columns)
        {
            var values = full[c].ToArray();
            b.WithColumn(c, keep.Select(i => values[i]).ToArray());
        }

        var source = b.Build();
        var r = Resampler.ResampleDetailed(source, Timeframe.OneHour, new ResampleOptions { IncompleteBars = policy });
        long h0 = TestData.Synthetic(1).Time[0];
        Assert.Equal(keptHours.Select(h => h0 + (h * TestData.HourMs)).ToArray(), r.Frame.Time.ToArray());
        Assert.Equal(incompleteKept, r.IncompleteBarsKept);
        Assert.Equal(dropped, r.IncompleteBarsDropped);
        var naive = NaiveResampler.Resample(source, Timeframe.OneHour).ToDictionary(x => x.Time);
        for (int i = 0; i < r.Frame.Length; i++)
        {
            var e = naive[r.Frame.Time[i]];
            Assert.Equal(e.Coverage, r.Frame[MarketColumn.IntrabarCoverage][i], 15);
            Assert.Equal(e.Open, r.Frame.Open[i]);
            Assert.Equal(e.Close, r.Frame.Close[i]);
        }
    }

    [Theory]
    [InlineData("BTCUSDT", "5m")]
    [InlineData("BTCUSDT", "15m")]
    [InlineData("BTCUSDT", "1h")]
    [InlineData("ETHUSDT", "4h")]
    [InlineData("SOLUSDT", "1d")]
    public void Real_1m_data_equals_the_naive_reference(string symbol, string target)
    {
        var source = TestData.LoadBinanceMinutes(symbol);
        var tf = Timeframe.Parse(target);
        var f = Resampler.Resample(source, tf, new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        var naive = NaiveResampler.Resample(source, tf);
        Assert.Equal(naive.Select(x => x.Time).ToArray(), f.Time.ToArray());
        Assert.Equal(naive.Select(x => x.Open).ToArray(), f.Open.ToArray());
        Assert.Equal(naive.Select(x => x.High).ToArray(), f.High.ToArray());
        Assert.Equal(naive.Select(x => x.Low).ToArray(), f.Low.ToArray());
        Assert.Equal(naive.Select(x => x.Close).ToArray(), f.Close.ToArray());
        Approx.Equal(naive.Select(x => x.Volume).ToArray(), f.Volume, 1e-13, 0, "volume");
        Approx.Equal(naive.Select(x => x.Coverage).ToArray(), f[MarketColumn.IntrabarCoverage], 1e-15, 0, "coverage");
        Approx.Equal(naive.Select(x => x.Vwap).ToArray(), f[MarketColumn.IntrabarVwap], 1e-13, 0, "vwap");
        Approx.Equal(naive.Select(x => x.RealizedVol).ToArray(), f[MarketColumn.IntrabarRealizedVol], 1e-9, 1e-15, "realized vol");
        Approx.Equal(naive.Select(x => x.VolumeCv).ToArray(), f[MarketColumn.IntrabarVolumeCv], 1e-9, 1e-12, "volume cv");
        // The sample files have no gaps: only the edges can be incomplete, and the default policy drops exactly those.
        var dropped = Resampler.Resample(source, tf);
        Assert.True(dropped.Length >= f.Length - 2);
        Assert.All(dropped[MarketColumn.IntrabarCoverage].ToArray(), c => Assert.Equal(1.0, c));
        Assert.Equal(f.Time.ToArray().Where((_, i) => f[MarketColumn.IntrabarCoverage][i] == 1.0), dropped.Time.ToArray());
    }

    [Fact]
    public void Target_bars_open_on_utc_boundaries_and_the_origin_shifts_them()
    {
        var source = TestData.LoadBinanceMinutes("BTCUSDT");
        var hourly = Resampler.Resample(source, Timeframe.OneHour);
        Assert.All(hourly.Time.ToArray(), t => Assert.Equal(0, t % TestData.HourMs));
        var daily = Resampler.Resample(hourly, Timeframe.OneDay);
        Assert.All(daily.Time.ToArray(), t => Assert.Equal(TimeSpan.Zero, DateTimeOffset.FromUnixTimeMilliseconds(t).TimeOfDay));
        var weekMonday = Resampler.Resample(daily, Timeframe.Parse("1w"), new ResampleOptions { Origin = 4 * 86_400_000L, IncompleteBars = IncompleteBarPolicy.KeepAll });
        Assert.All(weekMonday.Time.ToArray(), t => Assert.Equal(DayOfWeek.Monday, DateTimeOffset.FromUnixTimeMilliseconds(t).DayOfWeek));
        var weekEpoch = Resampler.Resample(daily, Timeframe.Parse("1w"), new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        Assert.All(weekEpoch.Time.ToArray(), t => Assert.Equal(DayOfWeek.Thursday, DateTimeOffset.FromUnixTimeMilliseconds(t).DayOfWeek));
    }

    [Fact]
    public void Times_before_the_epoch_use_floor_alignment()
    {
        long start = -3 * TestData.HourMs - (30 * Minute); // 1969-12-31T20:30Z
        var t = Enumerable.Range(0, 120).Select(i => start + (i * Minute)).ToArray();
        var x = Enumerable.Range(0, 120).Select(i => 100.0 + i).ToArray();
        var f = Resampler.Resample(MarketFrame.Create(Timeframe.OneMinute, t, x, x, x, x, x), Timeframe.OneHour,
            new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        Assert.Equal([-4 * TestData.HourMs, -3 * TestData.HourMs, -2 * TestData.HourMs], f.Time.ToArray());
        Assert.Equal([0.5, 1.0, 0.5], f[MarketColumn.IntrabarCoverage].ToArray());
        Assert.Equal([100.0, 130, 190], f.Open.ToArray());
    }

    [Fact]
    public void Columns_present_stay_present_absent_stay_absent_and_each_is_aggregated_by_its_rule()
    {
        var baseFrame = TestData.Synthetic(120, seed: 3, timeframe: Timeframe.OneMinute);
        var funding = Enumerable.Range(0, 120).Select(i => 0.0001 * (i / 30)).ToArray();
        var liq = Enumerable.Range(0, 120).Select(i => (double)(i % 7)).ToArray();
        var frame = baseFrame.With(MarketColumn.FundingRate, funding).With(MarketColumn.LongLiquidationNotional, liq);
        var f = Resampler.Resample(frame, Timeframe.OneHour);
        var expected = frame.Columns.Concat(MarketColumns.Intrabar).Order().ToArray();
        Assert.Equal(expected, f.Columns.ToArray());
        Assert.Equal(2, f.Length);
        for (int h = 0; h < 2; h++)
        {
            var rows = Enumerable.Range(60 * h, 60).ToArray();
            Assert.Equal(funding[rows[^1]], f[MarketColumn.FundingRate][h]);                            // last (as of the decision time)
            Assert.Equal(rows.Sum(i => liq[i]), f[MarketColumn.LongLiquidationNotional][h]);            // sum
            Assert.Equal(rows.Sum(i => frame[MarketColumn.Trades][i]), f[MarketColumn.Trades][h]);   // sum of integers: exact
            double taker = rows.Sum(i => frame[MarketColumn.TakerBuyVolume][i]);
            double quote = rows.Sum(i => frame[MarketColumn.QuoteVolume][i]);
            Assert.Equal(taker, f[MarketColumn.TakerBuyVolume][h], taker * 1e-14);
            Assert.Equal(quote, f[MarketColumn.QuoteVolume][h], quote * 1e-14);
        }

        Assert.Equal(ResampleAggregation.Last, Resampler.AggregationOf(MarketColumn.OpenInterest));
        Assert.Equal(ResampleAggregation.Intrabar, Resampler.AggregationOf(MarketColumn.IntrabarVwap));

        // Without volume: no VWAP, no volume CV; without statistics: only the coverage.
        var noVolume = new MarketFrameBuilder(Timeframe.OneMinute).WithTime(frame.Time).WithColumn(MarketColumn.Open, frame.Open)
            .WithColumn(MarketColumn.High, frame.High).WithColumn(MarketColumn.Low, frame.Low).WithColumn(MarketColumn.Close, frame.Close).Build();
        var nv = Resampler.Resample(noVolume, Timeframe.OneHour);
        Assert.Equal([MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close, MarketColumn.IntrabarCoverage, MarketColumn.IntrabarRealizedVol],
            nv.Columns.ToArray());
        var bare = Resampler.Resample(frame, Timeframe.OneHour, new ResampleOptions { IntrabarStatistics = false });
        Assert.Equal(frame.Columns.Append(MarketColumn.IntrabarCoverage).Order().ToArray(), bare.Columns.ToArray());
    }

    [Fact]
    public void Nan_sub_bar_values_make_the_bar_value_nan_instead_of_being_skipped()
    {
        var frame = TestData.Synthetic(180, seed: 11, timeframe: Timeframe.OneMinute);
        var high = frame.High.ToArray();
        var volume = frame.Volume.ToArray();
        var close = frame.Close.ToArray();
        high[10] = double.NaN;     // hour 0
        volume[70] = double.NaN;   // hour 1
        close[119] = double.NaN;   // hour 1's last close: its close is NaN, and hour 2's first return too
        var f = Resampler.Resample(frame.With(MarketColumn.High, high).With(MarketColumn.Volume, volume).With(MarketColumn.Close, close), Timeframe.OneHour);
        Assert.Equal(3, f.Length);
        Assert.True(double.IsNaN(f.High[0]));
        Assert.False(double.IsNaN(f.Low[0]));
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarVwap][0]));      // a NaN high makes that sub-bar's typical price NaN
        Assert.False(double.IsNaN(f[MarketColumn.IntrabarVolumeCv][0]));
        Assert.False(double.IsNaN(f[MarketColumn.IntrabarRealizedVol][0]));
        Assert.True(double.IsNaN(f.Volume[1]));
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarVolumeCv][1]));
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarVwap][1]));
        Assert.True(double.IsNaN(f.Close[1]));
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarRealizedVol][1]));
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarRealizedVol][2]));
        Assert.False(double.IsNaN(f.Volume[2]));
        Assert.Equal(1.0, f[MarketColumn.IntrabarCoverage][1]);           // NaN values do not make sub-bars missing
    }

    [Fact]
    public void Non_positive_closes_and_zero_volume_give_nan_statistics_never_infinity()
    {
        var frame = TestData.Synthetic(120, seed: 5, timeframe: Timeframe.OneMinute);
        var close = frame.Close.ToArray();
        close[30] = 0;
        var volume = frame.Volume.ToArray();
        Array.Fill(volume, 0.0, 60, 60);
        var f = Resampler.Resample(frame.With(MarketColumn.Close, close).With(MarketColumn.Volume, volume), Timeframe.OneHour);
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarRealizedVol][0]));
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarVwap][1]));       // Σ V = 0
        Assert.True(double.IsNaN(f[MarketColumn.IntrabarVolumeCv][1]));   // mean 0
        Assert.Equal(0.0, f.Volume[1]);
    }

    [Fact]
    public void Chained_resampling_recomputes_the_statistics_from_the_intermediate_bars_and_keeps_coverage_of_the_original()
    {
        var source = TestData.LoadBinanceMinutes("BTCUSDT").Slice(0, 6000);
        var mid = Resampler.Resample(source, Timeframe.Parse("15m"));
        var chained = Resampler.Resample(mid, Timeframe.OneHour);
        var direct = Resampler.Resample(source, Timeframe.OneHour);
        Assert.Equal(direct.Time.ToArray(), chained.Time.ToArray());
        Assert.Equal(direct[MarketColumn.IntrabarCoverage].ToArray(), chained[MarketColumn.IntrabarCoverage].ToArray());
        var fromMid = NaiveResampler.Resample(mid, Timeframe.OneHour).Where(b => chained.Time.Contains(b.Time)).ToArray();
        Approx.Equal(fromMid.Select(b => b.RealizedVol).ToArray(), chained[MarketColumn.IntrabarRealizedVol], 1e-9, 1e-15, "realized vol of the 15m sub-bars");
        Approx.Equal(fromMid.Select(b => b.Vwap).ToArray(), chained[MarketColumn.IntrabarVwap], 1e-13, 0, "vwap of the 15m sub-bars");
    }

    [Fact]
    public void A_resampled_frame_with_missing_sub_bars_chains_its_coverage()
    {
        // 15m bars whose own coverage says 10 of 15 minutes were present in one of them.
        var mid = TestData.Synthetic(8, seed: 2, timeframe: Timeframe.Parse("15m"));
        var coverage = Enumerable.Repeat(1.0, 8).ToArray();
        coverage[5] = 10 / 15.0;
        var f = Resampler.Resample(mid.With(MarketColumn.IntrabarCoverage, coverage), Timeframe.OneHour,
            new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        Assert.Equal([1.0, 55 / 60.0], f[MarketColumn.IntrabarCoverage].ToArray());
        var complete = Resampler.Resample(mid.With(MarketColumn.IntrabarCoverage, coverage), Timeframe.OneHour,
            new ResampleOptions { IncompleteBars = IncompleteBarPolicy.DropAll });
        Assert.Equal(1, complete.Length);
    }

    [Fact]
    public void Structural_errors_name_the_problem()
    {
        var frame = TestData.Synthetic(30, timeframe: Timeframe.Parse("15m"));
        var e = Assert.Throws<ArgumentException>(() => Resampler.Resample(frame, Timeframe.Parse("20m")));
        Assert.Contains("whole multiple", e.Message);
        Assert.Contains("15m", e.Message);
        Assert.Throws<ArgumentException>(() => Resampler.Resample(frame, Timeframe.Parse("5m")));
        var shifted = MarketFrame.Create(Timeframe.Parse("15m"), frame.Time.ToArray().Select(t => t + (50 * Minute)).ToArray(), frame.Open, frame.High,
            frame.Low, frame.Close, frame.Volume);
        var s = Assert.Throws<ArgumentException>(() => Resampler.Resample(shifted, Timeframe.OneHour));
        Assert.Contains("straddles", s.Message);
        Assert.Contains("2025-01-01T00:50:00Z", s.Message);
        Assert.Throws<ArgumentNullException>(() => Resampler.Resample(null!, Timeframe.OneHour));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(frame, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(frame, Timeframe.OneHour, new ResampleOptions { IncompleteBars = (IncompleteBarPolicy)9 }));
    }

    [Fact]
    public void Empty_and_identity_resamples()
    {
        var empty = new MarketFrameBuilder(Timeframe.OneMinute).WithTime([]).WithColumn(MarketColumn.Open, []).WithColumn(MarketColumn.High, [])
            .WithColumn(MarketColumn.Low, []).WithColumn(MarketColumn.Close, []).Build();
        var e = Resampler.Resample(empty, Timeframe.OneHour);
        Assert.Equal(0, e.Length);
        Assert.True(e.Has(MarketColumn.IntrabarCoverage));
        var frame = TestData.Synthetic(50);
        var same = Resampler.Resample(frame, Timeframe.OneHour);
        Assert.Equal(frame.Time.ToArray(), same.Time.ToArray());
        Assert.Equal(frame.Close.ToArray(), same.Close.ToArray());
        Assert.Equal(frame.Volume.ToArray(), same.Volume.ToArray());
        Assert.All(same[MarketColumn.IntrabarRealizedVol].ToArray(), v => Assert.True(double.IsNaN(v))); // one return per bar: no std
    }
}
