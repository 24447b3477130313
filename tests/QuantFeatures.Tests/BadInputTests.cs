using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>Structural errors throw an ArgumentException-family exception whose message names the problem.</summary>
public class BadInputTests
{
    private static readonly long[] Times = [0, 3_600_000, 7_200_000];
    private static readonly double[] Three = [1, 2, 3];

    [Fact]
    public void Unsorted_times_are_rejected_with_row_and_time()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            MarketFrame.Create(Timeframe.OneHour, [0, 7_200_000, 3_600_000], Three, Three, Three, Three, Three));
        Assert.Contains("Unsorted times", ex.Message);
        Assert.Contains("row 2", ex.Message);
        Assert.Contains("1970-01-01T01:00:00Z", ex.Message);
    }

    [Fact]
    public void Duplicate_times_are_rejected_with_rows_and_time()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            MarketFrame.Create(Timeframe.OneHour, [0, 3_600_000, 3_600_000], Three, Three, Three, Three, Three));
        Assert.Contains("Duplicate time 1970-01-01T01:00:00Z at rows 1 and 2", ex.Message);
    }

    [Fact]
    public void Columns_of_different_lengths_are_rejected_naming_the_column()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            MarketFrame.Create(Timeframe.OneHour, Times, Three, [1, 2], Three, Three, Three));
        Assert.Contains("Column 'high' has 2 values but 'time' has 3", ex.Message);
    }

    [Fact]
    public void Bars_closer_than_the_timeframe_are_rejected()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            MarketFrame.Create(Timeframe.OneHour, [0, 60_000, 7_200_000], Three, Three, Three, Three, Three));
        Assert.Contains("less than the timeframe 1h", ex.Message);
    }

    [Fact]
    public void Missing_required_column_is_rejected()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            new MarketFrameBuilder(Timeframe.OneHour).WithTime(Times).WithColumn(MarketColumn.Open, Three).WithColumn(MarketColumn.High, Three)
                .WithColumn(MarketColumn.Low, Three).Build());
        Assert.Contains("'close'", ex.Message);
    }

    [Fact]
    public void Timeframe_cannot_be_inferred_from_one_bar()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            new MarketFrameBuilder().WithTime([0]).WithColumn(MarketColumn.Open, [1.0]).WithColumn(MarketColumn.High, [1.0])
                .WithColumn(MarketColumn.Low, [1.0]).WithColumn(MarketColumn.Close, [1.0]).Build());
        Assert.Contains("cannot be inferred", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Period_not_positive_is_rejected_by_every_windowed_kernel(int period)
    {
        var d = new double[3];
        foreach (var call in new Action[]
        {
            () => Indicators.Sma(Three, period, d),
            () => Indicators.Ema(Three, period, d),
            () => Indicators.RollingStdDev(Three, period, 0, d),
            () => Indicators.RollingZScore(Three, period, d),
            () => Indicators.RollingMax(Three, period, d),
            () => Indicators.Change(Three, period, d),
            () => Indicators.Atr(Three, Three, Three, period, d),
            () => _ = new SmaState(period),
            () => _ = new EmaState(period),
        })
        {
            var ex = Assert.ThrowsAny<ArgumentOutOfRangeException>(call);
            Assert.Contains($"got {period}", ex.Message);
        }
    }

    [Fact]
    public void Kernel_inputs_of_different_lengths_and_short_destination_are_rejected()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Indicators.Atr(Three, [1.0, 2.0], Three, 2, new double[3]));
        Assert.Contains("'low' has 2 values", ex.Message);
        var ex2 = Assert.ThrowsAny<ArgumentException>(() => Indicators.Sma(Three, 2, new double[2]));
        Assert.Contains("Destination", ex2.Message);
    }

    [Fact]
    public void Unknown_feature_name_is_rejected_naming_it()
    {
        var frame = TestData.Synthetic(50);
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FeatureEngineer().Compute(frame, "rsi_15"));
        Assert.Contains("Unknown feature 'rsi_15'", ex.Message);
    }

    [Fact]
    public void Feature_whose_input_column_is_missing_is_rejected_naming_the_column()
    {
        var t = Enumerable.Range(0, 30).Select(i => i * 3_600_000L).ToArray();
        var x = Enumerable.Range(0, 30).Select(i => 100.0 + i).ToArray();
        var noVolume = MarketFrame.Create(Timeframe.OneHour, t, x, x, x, x, default);
        var needsVolume = FeatureCatalog.Default.Features.FirstOrDefault(f => f.Inputs.Contains(MarketColumn.Volume))
            ?? throw new InvalidOperationException("no feature reads volume");
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FeatureEngineer().Compute(noVolume, needsVolume.Name));
        Assert.Contains("'volume'", ex.Message);
        Assert.Contains("missing input column", ex.Message);
        Assert.DoesNotContain(needsVolume.Name, new FeatureEngineer().ComputeAll(noVolume).Names);
    }

    [Fact]
    public void Horizon_feature_at_a_timeframe_that_does_not_divide_it_is_rejected_and_left_out_of_all()
    {
        var frame = TestData.Synthetic(50, timeframe: Timeframe.Parse("7m"));
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FeatureEngineer().Compute(frame, "return_1h"));
        Assert.Contains("not a whole multiple of the timeframe 7m", ex.Message);
        Assert.DoesNotContain("return_1h", new FeatureEngineer().ComputeAll(frame).Names);
    }

    [Fact]
    public void Missing_column_access_names_the_column()
    {
        var frame = MarketFrame.Create(Timeframe.OneHour, Times, Three, Three, Three, Three, default);
        var ex = Assert.ThrowsAny<ArgumentException>(() => frame[MarketColumn.TakerBuyVolume].ToArray());
        Assert.Contains("'taker_buy_volume'", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("0m")]
    [InlineData("-1h")]
    [InlineData("1y")]
    public void Bad_timeframe_text_is_rejected(string text) =>
        Assert.Contains($"'{text}'", Assert.Throws<FormatException>(() => Timeframe.Parse(text)).Message);
}
