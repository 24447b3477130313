using System.IO.Compression;
using System.Text;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

/// <summary>Malformed input fails with file, line, column (and the offending text); nothing is silently skipped.</summary>
public class ErrorTests
{
    private const string Good = "1746057600000,94172.50,94250.40,94160.10,94218.80,120.551,1746057659999,11355431.8194,2563,60.112,5662418.1728,0";

    private static string KlineError(TempDir dir, string name, string text)
    {
        var path = dir.Write(name, text);
        var ex = Assert.ThrowsAny<Exception>(() => Read.All(CsvSources.Klines(path)));
        Assert.True(ex is FormatException or InvalidDataException, ex.GetType().Name + ": " + ex.Message);
        return ex.Message;
    }

    [Fact]
    public void Invalid_number_names_file_line_column_and_text()
    {
        using var dir = new TempDir();
        string msg = KlineError(dir, "BTCUSDT-1m-2025-05-01.csv", Good + "\n" + Good.Replace("94250.40", "94250.40x", StringComparison.Ordinal) + "\n");
        Assert.Equal($"{dir.File("BTCUSDT-1m-2025-05-01.csv")}: line 2, column 3 (high): invalid number '94250.40x'", msg);
    }

    [Fact]
    public void Invalid_time_in_a_zip_names_the_entry()
    {
        using var dir = new TempDir();
        string msg = KlineError(dir, "BTCUSDT-1m-2025-05-01.zip", "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n"
            + Good + "\n" + Good + "\n" + Good.Replace("1746057600000", "05/01/2025", StringComparison.Ordinal) + "\n");
        Assert.StartsWith($"{dir.File("BTCUSDT-1m-2025-05-01.zip")}[BTCUSDT-1m-2025-05-01.csv]: line 4, column 1 (open_time): invalid time", msg);
        Assert.EndsWith("'05/01/2025'", msg);
    }

    [Fact]
    public void Missing_and_extra_fields()
    {
        using var dir = new TempDir();
        string missing = KlineError(dir, "a.csv", Good + "\n" + Good[..Good.LastIndexOf(',')] + "\n");
        Assert.True(missing.Contains("a.csv: line 2, column 12 (ignore): missing field (expected 12 fields, found 11)", StringComparison.Ordinal), missing);
        string extra = KlineError(dir, "b.csv", Good + "\n" + Good + ",7\n");
        Assert.True(extra.Contains("b.csv: line 2, column 13: unexpected extra field (expected 12 fields, found 13) '7'", StringComparison.Ordinal), extra);
    }

    [Fact]
    public void Truncated_last_row_is_an_error_not_a_shorter_file()
    {
        using var dir = new TempDir();
        string msg = KlineError(dir, "t.csv.gz", Good + "\n" + Good[..40]);
        Assert.Contains("t.csv.gz: line 2, column", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void Headerless_file_of_the_wrong_shape()
    {
        using var dir = new TempDir();
        string msg = KlineError(dir, "c.csv", "1746057600000,1,2,3\n");
        Assert.Contains("c.csv: line 1: the first line has no header and 4 fields", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_without_required_column()
    {
        using var dir = new TempDir();
        string msg = KlineError(dir, "d.csv", "time,open,high,low\n1746057600000,1,2,3\n");
        Assert.Contains("d.csv: line 1: the header has no close column", msg, StringComparison.Ordinal);
        string noTime = KlineError(dir, "e.csv", "when,open,high,low,close\nx,1,2,3,4\n");
        Assert.Contains("e.csv: line 1: the header has no time column", noTime, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_quote()
    {
        using var dir = new TempDir();
        string msg = KlineError(dir, "q.csv", "time,open,high,low,close\n\"1746057600000,1,2,3,4\n");
        Assert.Contains("q.csv: line 2: a quoted field is not closed", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_fields_are_read()
    {
        using var dir = new TempDir();
        var path = dir.Write("q.csv", "\"time\",\"open\",high,low,close\n\"1746057600000\", \"1.5\" ,2,1,1.5\n");
        Assert.Equal(1.5, Assert.Single(Read.All(CsvSources.Klines(path))).Open);
    }

    [Fact]
    public void Invalid_side_and_boolean()
    {
        using var dir = new TempDir();
        var liq = dir.Write("l.csv", "1746057601234,HOLD,LIMIT,IOC,0.050,94000.00,94012.30,FILLED,0.020,0.050\n");
        var ex = Assert.Throws<FormatException>(() => Read.All(CsvSources.Liquidations(liq)));
        Assert.Equal($"{liq}: line 1, column 2 (side): invalid side (expected SELL = long liquidated, or BUY = short liquidated) 'HOLD'", ex.Message);
        var trades = dir.Write("t.csv", "1,94000,0.1,1,1,1746057600000,maybe\n");
        var ex2 = Assert.Throws<FormatException>(() => Read.All(CsvSources.KlinesFromAggTrades([trades], Timeframe.OneMinute)));
        Assert.Contains("t.csv: line 1, column 7 (is_buyer_maker): invalid boolean", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_a_zip_and_wrong_zip_content()
    {
        using var dir = new TempDir();
        var fake = dir.File("f.zip");
        File.WriteAllBytes(fake, [(byte)'P', (byte)'K', 3, 4, 1, 2, 3]);
        var ex = Assert.Throws<InvalidDataException>(() => Read.All(CsvSources.Klines(fake)));
        Assert.StartsWith($"{fake}: not a valid zip archive", ex.Message, StringComparison.Ordinal);

        var two = dir.File("two.zip");
        using (var f = File.Create(two))
        using (var zip = new ZipArchive(f, ZipArchiveMode.Create))
        {
            foreach (var n in new[] { "a.csv", "b.csv" })
            {
                using var s = zip.CreateEntry(n).Open();
                s.Write(Encoding.UTF8.GetBytes(Good));
            }
        }

        var ex2 = Assert.Throws<InvalidDataException>(() => Read.All(CsvSources.Klines(two)));
        Assert.Contains("expected exactly one .csv file", ex2.Message, StringComparison.Ordinal);
        Assert.Contains("a.csv, b.csv", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_compressed_data_names_file_and_line()
    {
        using var dir = new TempDir();
        var text = string.Join("\n", Enumerable.Repeat(Good, 5000)) + "\n";
        var path = dir.Write("big.csv.gz", text);
        var bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);
        var ex = Assert.ThrowsAny<Exception>(() => Read.All(CsvSources.Klines(path)));
        Assert.True(ex is InvalidDataException or FormatException, ex.ToString());
        Assert.Contains("big.csv.gz: line ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_zip_entry_names_the_entry_and_line()
    {
        using var dir = new TempDir();
        var text = string.Join("\n", Enumerable.Range(0, 5000).Select(i => Good.Replace("120.551", (i * 0.001).ToString("F3", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))) + "\n";
        var path = dir.Write("BTCUSDT-1m-2025-05-01.zip", text);
        var bytes = File.ReadAllBytes(path);
        for (int i = 2000; i < 2032; i++)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);
        var ex = Assert.ThrowsAny<Exception>(() => Read.All(CsvSources.Klines(path)));
        Assert.True(ex is InvalidDataException or FormatException, ex.ToString());
        Assert.True(ex.Message.Contains("BTCUSDT-1m-2025-05-01.zip[BTCUSDT-1m-2025-05-01.csv]: line ", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public void Truncated_gzip_is_an_error()
    {
        using var dir = new TempDir();
        var path = dir.Write("cut.csv.gz", string.Join("\n", Enumerable.Repeat(Good, 5000)) + "\n");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.ThrowsAny<Exception>(() => Read.All(CsvSources.Klines(path)));
        Assert.True(ex is InvalidDataException or FormatException, ex.ToString());
        Assert.Contains("cut.csv.gz: line ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_path()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => Read.All(CsvSources.Funding("/nonexistent/x.csv")));
        Assert.Contains("/nonexistent/x.csv", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_records_after_the_error_of_a_file()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 2000).Select(i => Good.Replace("1746057600000", (1746057600000L + (i * 60_000L)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToList();
        rows[1500] = rows[1500].Replace("94218.80", "bad", StringComparison.Ordinal);
        var path = dir.Write("e.csv", string.Join("\n", rows));
        var seen = new List<Kline>();
        await Assert.ThrowsAsync<FormatException>(async () =>
        {
            await foreach (var k in CsvSources.Klines(path).ReadAsync("BTCUSDT", TimeRange.All))
            {
                seen.Add(k);
            }
        });
        Assert.True(seen.Count <= 1500);
        Assert.All(seen, k => Assert.True(k.Time < 1746057600000L + (1500 * 60_000L)));
    }
}
