using System.Globalization;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

public class KlineSourceTests
{
    private const string Header = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore";

    // Three 1-minute Binance USD-M klines starting 2025-05-01T00:00Z.
    private static readonly string[] Rows =
    [
        "1746057600000,94172.50,94250.40,94160.10,94218.80,120.551,1746057659999,11355431.81940,2563,60.112,5662418.17280,0",
        "1746057660000,94218.80,94230.00,94101.00,94120.00,98.004,1746057719999,9227155.12000,2011,41.500,3906984.10000,0",
        "1746057720000,94120.00,94199.90,94050.20,94199.90,130.250,1746057779999,12260000.50000,2710,80.000,7530000.25000,0",
    ];

    private static void AssertRowsEqual(IReadOnlyList<Kline> klines, string[] rows, bool microseconds = false)
    {
        Assert.Equal(rows.Length, klines.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            var f = rows[i].Split(',');
            long open = long.Parse(f[0], CultureInfo.InvariantCulture);
            Assert.Equal(microseconds ? open / 1000 : open, klines[i].Time);
            var k = klines[i];
            double[] got = [k.Open, k.High, k.Low, k.Close, k.Volume, k.QuoteVolume, k.Trades, k.TakerBuyVolume, k.TakerBuyQuoteVolume];
            int[] columns = [1, 2, 3, 4, 5, 7, 8, 9, 10];
            for (int j = 0; j < columns.Length; j++)
            {
                Assert.Equal(double.Parse(f[columns[j]], CultureInfo.InvariantCulture), got[j]);
            }
        }
    }

    [Fact]
    public void Binance_klines_without_header()
    {
        using var dir = new TempDir();
        var path = dir.Write("BTCUSDT-1m-2025-05-01.csv", string.Join("\n", Rows) + "\n");
        var source = CsvSources.Klines(path);
        AssertRowsEqual(Read.All(source), Rows);
        Assert.Equal(Timeframe.OneMinute, source.TimeframeOf("BTCUSDT"));
        Assert.Equal([MarketColumn.Volume, MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume],
            source.OptionalColumns);
        Assert.Equal(Read.Ms(2025, 5, 1), Read.All(source)[0].Time);
    }

    [Fact]
    public void Binance_klines_with_header_crlf_and_no_final_newline()
    {
        using var dir = new TempDir();
        var path = dir.Write("k.csv", Header + "\r\n" + string.Join("\r\n", Rows));
        AssertRowsEqual(Read.All(CsvSources.Klines(path)), Rows);
    }

    [Fact]
    public void Microsecond_timestamps_are_detected_per_value()
    {
        // Binance spot files use µs from 2025: 16-digit open/close times. Mix one ms row in to check per-value detection.
        string[] us = [.. Rows.Select(r => { var f = r.Split(','); f[0] += "000"; f[6] += "999"; return string.Join(",", f); })];
        using var dir = new TempDir();
        var path = dir.Write("us.csv", string.Join("\n", us[0], Rows[1], us[2]));
        var klines = Read.All(CsvSources.Klines(path));
        Assert.Equal([Read.Ms(2025, 5, 1, 0, 0), Read.Ms(2025, 5, 1, 0, 1), Read.Ms(2025, 5, 1, 0, 2)], klines.Select(k => k.Time));
        AssertRowsEqual([klines[0]], [us[0]], microseconds: true);
    }

    [Theory]
    [InlineData("BTCUSDT-1m-2025-05-01.csv.gz")]
    [InlineData("BTCUSDT-1m-2025-05-01.zip")]
    [InlineData("misnamed.csv")]
    public void Compressed_containers(string name)
    {
        using var dir = new TempDir();
        string text = Header + "\n" + string.Join("\n", Rows) + "\n";
        string path = name == "misnamed.csv" ? dir.Write("misnamed.csv.gz", text) : dir.Write(name, text);
        if (name == "misnamed.csv")
        {
            File.Move(path, dir.File(name));
            path = dir.File(name);
        }

        AssertRowsEqual(Read.All(CsvSources.Klines(path)), Rows);
    }

    [Fact]
    public void Utf8_bom_blank_lines_and_extra_columns_are_handled()
    {
        using var dir = new TempDir();
        var path = dir.Write("x.csv", "\uFEFFtime,open,high,low,close,note\n\n2025-05-01T00:00:00Z,1,2,0.5,1.5,hello\n  \n2025-05-01T01:00:00Z,1.5,2.5,1,2,\n");
        var source = CsvSources.Klines(path);
        var k = Read.All(source);
        Assert.Equal(2, k.Count);
        Assert.Equal(new Kline(Read.Ms(2025, 5, 1), 1, 2, 0.5, 1.5, double.NaN), k[0]);
        Assert.Equal(Read.Ms(2025, 5, 1, 1), k[1].Time);
        Assert.Empty(source.OptionalColumns);
        Assert.Null(source.TimeframeOf("X"));
    }

    [Fact]
    public void Range_filters_records()
    {
        using var dir = new TempDir();
        var path = dir.Write("k.csv", string.Join("\n", Rows));
        var k = Read.All(CsvSources.Klines(path), range: new TimeRange(Read.Ms(2025, 5, 1, 0, 1), Read.Ms(2025, 5, 1, 0, 2)));
        Assert.Equal([Read.Ms(2025, 5, 1, 0, 1)], k.Select(x => x.Time));
    }

    [Fact]
    public void Premium_index_klines_keep_only_the_ohlc()
    {
        using var dir = new TempDir();
        var path = dir.Write("premiumIndexKlines/BTCUSDT/1h/BTCUSDT-1h-2025-05-01.csv",
            "1746057600000,-0.00012000,0.00003100,-0.00020000,-0.00005000,0,1746061199999,0,60,0,0,0\n");
        var direct = CsvSources.PremiumIndexKlines([path]);
        var k = Assert.Single(Read.All(direct));
        Assert.Equal(new Kline(Read.Ms(2025, 5, 1), -0.00012, 0.000031, -0.0002, -0.00005, double.NaN), k);
        Assert.Empty(direct.OptionalColumns);
        var fromDir = new BinanceArchiveDirectory(dir.Path).PremiumIndexKlines(Timeframe.OneHour);
        Assert.Equal([k], Read.All(fromDir));
        Assert.Empty(Read.All(new BinanceArchiveDirectory(dir.Path).Klines(Timeframe.OneHour)));
    }

    [Fact]
    public void A_directory_needs_the_timeframe()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<ArgumentException>(() => CsvSources.Klines(dir.Path));
        Assert.Contains("timeframe", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var dir = new TempDir();
        var path = dir.Write("k.csv", string.Join("\n", Rows));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in CsvSources.Klines(path).ReadAsync("BTCUSDT", TimeRange.All, cts.Token))
            {
            }
        });
    }
}
