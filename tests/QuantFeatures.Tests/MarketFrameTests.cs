using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

public class MarketFrameTests
{
    private sealed record Quote(DateTime Date, decimal Open, decimal High, decimal Low, decimal Close, decimal Volume);

    [Fact]
    public void FromQuotes_takes_any_quote_type_with_selectors_and_infers_the_timeframe()
    {
        var quotes = Enumerable.Range(0, 5)
            .Select(i => new Quote(new DateTime(2024, 1, 1).AddDays(i), 10 + i, 11 + i, 9 + i, 10.5m + i, 1000 * (i + 1)))
            .ToList();
        var frame = MarketFrame.FromQuotes(quotes, q => q.Date, q => (double)q.Open, q => (double)q.High, q => (double)q.Low,
            q => (double)q.Close, q => (double)q.Volume, symbol: "SPY");
        Assert.Equal(Timeframe.OneDay, frame.Timeframe);
        Assert.Equal(5, frame.Length);
        Assert.Equal(new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), frame.Time[2]);
        Assert.Equal(12.5, frame.Close[2]);
        Assert.Equal(3000, frame.Volume[2]);
        Assert.True(frame.Has(MarketColumn.Volume));
        Assert.False(frame.Has(MarketColumn.TakerBuyVolume));
        Assert.Equal("SPY", frame.Symbol);
    }

    [Fact]
    public void Frame_is_immutable_the_factories_copy_their_inputs()
    {
        double[] close = [1, 2, 3];
        var frame = MarketFrame.Create(Timeframe.OneHour, [0, 3_600_000, 7_200_000], close, close, close, close, close);
        close[0] = 99;
        Assert.Equal(1, frame.Close[0]);
    }

    [Fact]
    public void Slice_and_with_keep_columns_and_timeframe()
    {
        var frame = TestData.Synthetic(100);
        var s = frame.Slice(10, 20);
        Assert.Equal(20, s.Length);
        Assert.Equal(frame.Time[10], s.Time[0]);
        Assert.Equal(frame.Timeframe, s.Timeframe);
        Assert.Equal(frame.Columns, s.Columns);
        var w = frame.With(MarketColumn.OpenInterest, new double[100]);
        Assert.True(w.Has(MarketColumn.OpenInterest));
        Assert.False(frame.Has(MarketColumn.OpenInterest));
        Assert.Equal(frame.DecisionTime(3), frame.Time[3] + 3_600_000);
    }

    [Fact]
    public void Empty_frame_computes_empty_columns()
    {
        var frame = MarketFrame.Create(Timeframe.OneHour, [], [], [], [], [], []);
        var m = new FeatureEngineer().ComputeAll(frame);
        Assert.Equal(0, m.RowCount);
        Assert.True(m.ColumnCount > 0);
    }

    [Theory]
    [InlineData("1m", 60_000L)]
    [InlineData("15m", 900_000L)]
    [InlineData("4h", 14_400_000L)]
    [InlineData("1d", 86_400_000L)]
    [InlineData("1w", 604_800_000L)]
    public void Timeframe_round_trips(string text, long ms)
    {
        var tf = Timeframe.Parse(text);
        Assert.Equal(ms, tf.Milliseconds);
        Assert.Equal(text, tf.ToString());
        Assert.Equal(365.0 * 86_400_000 / ms, tf.PeriodsPerYear);
    }

    [Fact]
    public void Real_sample_loads_with_its_timeframe()
    {
        var frame = TestData.LoadBinanceSample();
        Assert.Equal(719, frame.Length);
        Assert.Equal(Timeframe.OneHour, frame.Timeframe);
    }
}
