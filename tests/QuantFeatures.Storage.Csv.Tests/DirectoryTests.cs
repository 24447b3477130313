using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

public class DirectoryTests
{
    private static string Kline(long open, double close) =>
        FormattableString.Invariant($"{open},{close},{close},{close},{close},1,{open + 3_599_999},{close},1,0.5,{close / 2},0\n");

    [Fact]
    public void Binance_tree_is_searched_by_symbol_kind_interval_and_date()
    {
        using var dir = new TempDir();
        long d1 = Read.Ms(2025, 5, 1), d2 = Read.Ms(2025, 5, 2), d3 = Read.Ms(2025, 5, 3);
        dir.Write("data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2025-05-02.zip", Kline(d2, 2));
        dir.Write("data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2025-05-01.zip", Kline(d1, 1));
        dir.Write("data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2025-05-03.zip", Kline(d3, 3));
        dir.Write("data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2025-05-01.zip.CHECKSUM", "abc  BTCUSDT-1h-2025-05-01.zip\n");
        dir.Write("data/futures/um/daily/klines/BTCUSDT/4h/BTCUSDT-4h-2025-05-01.zip", Kline(d1, 40));
        dir.Write("data/futures/um/daily/klines/ETHUSDT/1h/ETHUSDT-1h-2025-05-01.zip", Kline(d1, 100));
        dir.Write("data/futures/um/daily/markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-2025-05-01.zip", Kline(d1, 7));
        dir.Write("data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2025-05.zip", "calc_time,funding_interval_hours,last_funding_rate\n1746057600005,8,0.0001\n");
        dir.Write("notes.txt", "not data");

        var archive = new BinanceArchiveDirectory(dir.Path);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], archive.Symbols());
        var klines = archive.Klines(Timeframe.OneHour);
        Assert.Equal([1.0, 2.0, 3.0], Read.All(klines).Select(k => k.Close));   // time order from the names, not the file system
        Assert.Equal([100.0], Read.All(klines, "ETHUSDT").Select(k => k.Close));
        Assert.Equal([40.0], Read.All(archive.Klines(new Timeframe(4 * 3_600_000))).Select(k => k.Close));
        Assert.Equal(Timeframe.OneHour, klines.TimeframeOf("BTCUSDT"));
        Assert.Equal(5, klines.OptionalColumns.Count);
        Assert.Equal([new ReferencePrice(d1 + 3_600_000, ReferencePriceKind.Mark, 7)], Read.All(archive.MarkPrices()));
        Assert.Single(Read.All(archive.Funding()));
        Assert.Empty(Read.All(klines, "SOLUSDT"));

        // A range only opens the files whose day can hold it: a corrupt file outside the range is never read.
        File.WriteAllText(dir.File("data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2025-05-20.zip"), "PK\u0003\u0004garbage");
        var fresh = archive.Klines(Timeframe.OneHour);
        Assert.Equal([2.0], Read.All(fresh, range: new TimeRange(d2, d3)).Select(k => k.Close));
        Assert.Throws<InvalidDataException>(() => Read.All(fresh));
    }

    [Fact]
    public void Explicit_files_are_read_in_date_order_and_for_any_symbol()
    {
        using var dir = new TempDir();
        long d1 = Read.Ms(2025, 5, 1), d2 = Read.Ms(2025, 5, 2);
        var b = dir.Write("BTCUSDT-1h-2025-05-02.csv", Kline(d2, 2));
        var a = dir.Write("BTCUSDT-1h-2025-05-01.csv", Kline(d1, 1));
        var source = CsvSources.Klines([b, a]);
        Assert.Equal([1.0, 2.0], Read.All(source, "ANYTHING").Select(k => k.Close));
        Assert.Equal(Timeframe.OneHour, source.TimeframeOf("ANYTHING"));
    }

    [Fact]
    public void Concatenated_files_with_repeated_headers()
    {
        using var dir = new TempDir();
        const string H = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n";
        var path = dir.Write("cat.csv", H + Kline(Read.Ms(2025, 5, 1), 1) + H + Kline(Read.Ms(2025, 5, 2), 2));
        Assert.Equal([1.0, 2.0], Read.All(CsvSources.Klines(path)).Select(k => k.Close));
    }

    [Fact]
    public void Overlong_line_is_an_error()
    {
        using var dir = new TempDir();
        var path = dir.Write("long.csv", "time,open,high,low,close\n" + new string('1', 1_100_000));
        var ex = Assert.Throws<FormatException>(() => Read.All(CsvSources.Klines(path)));
        Assert.Contains("long.csv: line 2: the line is longer than", ex.Message, StringComparison.Ordinal);
    }
}
