using System.Globalization;
using System.IO.Compression;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

/// <summary>
/// Every file under samples/data/binance-um-2025 read as it is, compared row by row with an independent naive parse
/// (File.ReadAllLines / string.Split / double.Parse) of the same text.
/// </summary>
public class SampleDataTests
{
    private static string[][] RawRows(string path)
    {
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(s);
        var lines = new List<string[]>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length > 0)
            {
                lines.Add(line.Split(','));
            }
        }

        return [.. lines];
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    public static TheoryData<string> KlineFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.Sample("1h")).Concat(Directory.GetFiles(Repo.Sample("1m"))).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.Sample(), f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KlineFiles))]
    public void Kline_files(string relative)
    {
        string path = Repo.Sample(relative);
        var raw = RawRows(path);
        Assert.Equal(["open_time", "open_time_ms", "open", "high", "low", "close", "volume"], raw[0]);
        var source = CsvSources.Klines(path);
        string symbol = Path.GetFileName(path).Split('-')[0];
        var klines = Read.All(source, symbol);
        Assert.Equal(raw.Length - 1, klines.Count);
        Assert.Equal(relative.StartsWith("1h", StringComparison.Ordinal) ? Timeframe.OneHour : Timeframe.OneMinute, source.TimeframeOf(symbol));
        Assert.Equal([MarketColumn.Volume], source.OptionalColumns);
        for (int i = 0; i < klines.Count; i++)
        {
            var f = raw[i + 1];
            var k = klines[i];
            Assert.Equal(L(f[1]), k.Time);
            Assert.Equal(new Kline(L(f[1]), D(f[2]), D(f[3]), D(f[4]), D(f[5]), D(f[6])), k);
        }

        // The ISO column says the same instant as the _ms column the reader prefers.
        Assert.Equal(DateTimeOffset.Parse(raw[1][0], CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), klines[0].Time);
        if (relative == "1h/BTCUSDT-1h.csv")
        {
            Assert.Equal(719, klines.Count);
            Assert.Equal(new Kline(Read.Ms(2025, 3, 6, 11), 91250.0, 91563.0, 90953.1, 91319.2, 5659.315), klines[0]);
        }
    }

    [Fact]
    public void Funding_files()
    {
        var files = Directory.GetFiles(Repo.Sample("funding"));
        Assert.Equal(19, files.Length);
        int jittered = 0;
        foreach (var path in files)
        {
            var raw = RawRows(path);
            Assert.Equal(["funding_time", "funding_time_ms", "funding_rate"], raw[0]);
            string symbol = Path.GetFileName(path).Split('-')[0];
            var f = Read.All(CsvSources.Funding(path), symbol);
            Assert.Equal(raw.Length - 1, f.Count);
            for (int i = 0; i < f.Count; i++)
            {
                Assert.Equal(L(raw[i + 1][1]), f[i].Time);
                Assert.Equal(D(raw[i + 1][2]), f[i].Rate);
                Assert.True(double.IsNaN(f[i].IntervalHours));
                jittered += f[i].Time % 1000 != 0 ? 1 : 0;
            }
        }

        Assert.True(jittered > 0, "the samples carry Binance's millisecond jitter, which must be kept");
    }

    [Fact]
    public void Layer_funding_switches_from_4h_to_1h()
    {
        var f = Read.All(CsvSources.Funding(Repo.Sample("funding", "LAYERUSDT-funding.csv")), "LAYERUSDT");
        var hours = f.Zip(f.Skip(1), (a, b) => Math.Round((b.Time - a.Time) / 3_600_000.0)).ToList();
        int firstOneHour = hours.IndexOf(1);
        Assert.True(firstOneHour > 0);
        Assert.Contains(4.0, hours.Take(firstOneHour));
    }

    [Fact]
    public void Mark_files_are_observed_at_the_8h_close()
    {
        var files = Directory.GetFiles(Repo.Sample("mark-8h"));
        Assert.Equal(19, files.Length);
        foreach (var path in files)
        {
            var raw = RawRows(path);
            Assert.Equal(["open_time", "open_time_ms", "open", "high", "low", "close"], raw[0]);
            string symbol = Path.GetFileName(path).Split('-')[0];
            var marks = Read.All(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [path]), symbol);
            Assert.Equal(raw.Length - 1, marks.Count);
            for (int i = 0; i < marks.Count; i++)
            {
                Assert.Equal(new ReferencePrice(L(raw[i + 1][1]) + (8 * 3_600_000L), ReferencePriceKind.Mark, D(raw[i + 1][5])), marks[i]);
            }
        }
    }

    [Fact]
    public void The_samples_folder_as_a_directory_source()
    {
        var dir = new BinanceArchiveDirectory(Repo.Sample());
        Assert.Contains("BTCUSDT", dir.Symbols());
        Assert.Contains("BSVUSDT", dir.Symbols());
        Assert.Equal(719, Read.All(dir.Klines(Timeframe.OneHour)).Count);
        Assert.Equal(RawRows(Repo.Sample("1m", "ETHUSDT-1m.csv.gz")).Length - 1, Read.All(dir.Klines(Timeframe.OneMinute), "ETHUSDT").Count);
        Assert.Equal(RawRows(Repo.Sample("funding", "BTCUSDT-funding.csv")).Length - 1, Read.All(dir.Funding()).Count);
        Assert.Equal(RawRows(Repo.Sample("mark-8h", "BTCUSDT-8h-mark.csv")).Length - 1, Read.All(dir.MarkPrices()).Count);
        Assert.Empty(Read.All(dir.Klines(Timeframe.OneHour), "BSVUSDT"));
        Assert.Empty(Read.All(dir.Liquidations()));

        var range = new TimeRange(Read.Ms(2025, 3, 10), Read.Ms(2025, 3, 11));
        var day = Read.All(dir.Klines(Timeframe.OneHour), range: range);
        Assert.Equal(24, day.Count);
        Assert.All(day, k => Assert.True(range.Contains(k.Time)));
    }
}
