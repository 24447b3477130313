using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

/// <summary>Each Binance layout (and its named-column form) from small files written here.</summary>
public class LayoutTests
{
    [Fact]
    public void FundingRate_binance_layout_with_and_without_header()
    {
        const string Body = "1746057600008,8,0.00010000\n1746086400000,8,-0.00002345\n1746100800003,4,0.00005000\n";
        using var dir = new TempDir();
        foreach (var text in new[] { "calc_time,funding_interval_hours,last_funding_rate\n" + Body, Body })
        {
            var path = dir.Write("BTCUSDT-fundingRate-2025-05.zip", text);
            var f = Read.All(CsvSources.Funding(path));
            Assert.Equal(
            [
                new FundingSettlement(Read.Ms(2025, 5, 1, 0, 0, 0, 8), 0.0001, 8),
                new FundingSettlement(Read.Ms(2025, 5, 1, 8), -0.00002345, 8),
                new FundingSettlement(Read.Ms(2025, 5, 1, 12, 0, 0, 3), 0.00005, 4),
            ], f);
        }
    }

    [Fact]
    public void Funding_named_columns_prefer_the_ms_column()
    {
        using var dir = new TempDir();
        // The ISO column is rounded; the _ms column carries Binance's jitter and must win.
        var path = dir.Write("ETHUSDT-funding.csv", "funding_time,funding_time_ms,funding_rate\n2025-03-06T16:00:00Z,1741276800008,6.818e-05\n");
        var f = Assert.Single(Read.All(CsvSources.Funding(path), "ETHUSDT"));
        Assert.Equal(new FundingSettlement(Read.Ms(2025, 3, 6, 16, 0, 0, 8), 0.00006818), f);
        Assert.True(double.IsNaN(f.IntervalHours));
    }

    private const string MetricsHeader = "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio";

    [Fact]
    public void Metrics_map_columns_by_their_binance_meaning()
    {
        using var dir = new TempDir();
        var path = dir.Write("BTCUSDT-metrics-2025-05-01.zip", MetricsHeader + "\n"
            + "2025-05-01 00:05:00,BTCUSDT,80123.456,7553893213.615,1.8513,1.2345,2.1001,0.9876\n"
            + "2025-05-01 00:10:00,BTCUSDT,80200.001,7560000000.5,,1.2400,2.1100,\n");
        var oi = Read.All(CsvSources.OpenInterest(path));
        Assert.Equal([new OpenInterestSnapshot(Read.Ms(2025, 5, 1, 0, 5), 80123.456, 7553893213.615),
            new OpenInterestSnapshot(Read.Ms(2025, 5, 1, 0, 10), 80200.001, 7560000000.5)], oi);
        var pos = Read.All(CsvSources.Positioning(path));
        // count_long_short_ratio → LongShortRatio; count_toptrader (accounts) → TopTraderLongShortRatio;
        // sum_toptrader (positions) → TopTraderPositionRatio; sum_taker → TakerLongShortVolRatio. Empty cells are NaN.
        Assert.Equal(new PositioningSnapshot(Read.Ms(2025, 5, 1, 0, 5), LongShortRatio: 2.1001, TopTraderLongShortRatio: 1.8513,
            TopTraderPositionRatio: 1.2345, TakerLongShortVolRatio: 0.9876), pos[0]);
        Assert.Equal(new PositioningSnapshot(Read.Ms(2025, 5, 1, 0, 10), 2.11, double.NaN, 1.24, double.NaN), pos[1]);
    }

    [Fact]
    public void Metrics_rows_of_other_symbols_are_skipped_and_a_wrong_file_is_an_error()
    {
        using var dir = new TempDir();
        var path = dir.Write("all-metrics.csv", MetricsHeader + "\n"
            + "2025-05-01 00:05:00,BTCUSDT,1,2,1,1,1,1\n2025-05-01 00:05:00,ETHUSDT,3,4,1,1,1,1\n");
        Assert.Equal([3.0], Read.All(CsvSources.OpenInterest(path), "ETHUSDT").Select(o => o.OpenInterest));
        var ex = Assert.Throws<InvalidDataException>(() => Read.All(CsvSources.OpenInterest(path), "SOLUSDT"));
        Assert.Contains("all-metrics.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BTCUSDT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SOLUSDT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_named_columns_and_missing_kind_columns()
    {
        using var dir = new TempDir();
        var path = dir.Write("m.csv", "time,open_interest,open_interest_value\n1746057900000,10,20\n");
        Assert.Equal([new OpenInterestSnapshot(Read.Ms(2025, 5, 1, 0, 5), 10, 20)], Read.All(CsvSources.OpenInterest(path)));
        var ex = Assert.Throws<FormatException>(() => Read.All(CsvSources.Positioning(path)));
        Assert.Contains("m.csv: line 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("positioning", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LiquidationSnapshot_side_price_and_quantity()
    {
        const string Body =
            "1746057601234,SELL,LIMIT,IOC,0.050,94000.00,94012.30,FILLED,0.020,0.050\n"
            + "1746057605000,BUY,LIMIT,IOC,1.000,95000.00,94990.10,FILLED,0.400,0.700\n";
        using var dir = new TempDir();
        foreach (var text in new[] { "time,side,order_type,time_in_force,original_quantity,price,average_price,order_status,last_fill_quantity,accumulated_fill_quantity\n" + Body, Body })
        {
            var path = dir.Write("BTCUSDT-liquidationSnapshot-2025-05-01.zip", text);
            Assert.Equal(
            [
                new LiquidationEvent(Read.Ms(2025, 5, 1, 0, 0, 1, 234), LiquidationSide.Long, 94012.3, 0.05),
                new LiquidationEvent(Read.Ms(2025, 5, 1, 0, 0, 5), LiquidationSide.Short, 94990.1, 0.7),
            ], Read.All(CsvSources.Liquidations(path)));
        }
    }

    [Fact]
    public void Liquidations_named_columns()
    {
        using var dir = new TempDir();
        var path = dir.Write("l.csv", "timestamp,side,price,quantity\n2025-05-01T00:00:01Z,long,10,2\n2025-05-01T00:00:02Z,SHORT,11,3\n");
        Assert.Equal([LiquidationSide.Long, LiquidationSide.Short], Read.All(CsvSources.Liquidations(path)).Select(e => e.Side));
    }

    [Fact]
    public void Mark_klines_are_observed_at_their_close()
    {
        using var dir = new TempDir();
        // Headerless 12 columns: the interval comes from the folder/file name (1h) → Time = open + 1h.
        var named = dir.Write("markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-2025-05-01.zip",
            "1746057600000,94172.6,94250.4,94160.1,94218.8,0,1746061199999,0,3600,0,0,0\n");
        var expected = new ReferencePrice(Read.Ms(2025, 5, 1, 1), ReferencePriceKind.Mark, 94218.8);
        Assert.Equal([expected], Read.All(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [named])));
        Assert.Equal([expected], Read.All(new BinanceArchiveDirectory(dir.Path).MarkPrices(Timeframe.OneHour)));
        Assert.Empty(Read.All(new BinanceArchiveDirectory(dir.Path).IndexPrices()));

        // No interval in the name: close_time (µs here) + 1 ms gives the close.
        var unnamed = dir.Write("x.csv", "1746057600000000,1,1,1,94218.8,0,1746061199999999,0,0,0,0,0\n");
        Assert.Equal([expected], Read.All(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [unnamed])));

        // Named columns without close_time nor interval: rejected, not guessed.
        var noInterval = dir.Write("y.csv", "open_time,open,high,low,close\n1746057600000,1,1,1,2\n");
        var ex = Assert.Throws<FormatException>(() => Read.All(CsvSources.ReferencePrices(ReferencePriceKind.Index, [noInterval])));
        Assert.Contains("y.csv: line 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("interval", ex.Message, StringComparison.Ordinal);
        Assert.Equal([new ReferencePrice(Read.Ms(2025, 5, 1, 0, 5), ReferencePriceKind.Index, 2)],
            Read.All(CsvSources.ReferencePrices(ReferencePriceKind.Index, [noInterval], new Timeframe(300_000))));
    }

    [Fact]
    public void Price_observation_files_keep_their_time()
    {
        using var dir = new TempDir();
        var path = dir.Write("p.csv", "time,mark_price\n1746057600000,94000.5\n");
        Assert.Equal([new ReferencePrice(Read.Ms(2025, 5, 1), ReferencePriceKind.Mark, 94000.5)],
            Read.All(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [path])));
    }
}
