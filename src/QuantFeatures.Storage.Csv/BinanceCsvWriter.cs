using System.Globalization;
using System.IO.Compression;
using System.Text;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Internal;

namespace QuantFeatures.Storage.Csv;

/// <summary>
/// Writes records in the Binance public-data archive layouts (klines, fundingRate, metrics, liquidationSnapshot), which
/// <see cref="CsvSources"/> reads back to identical records.
/// </summary>
/// <remarks>
/// Numbers are written in the shortest invariant form that round-trips (<c>95505.4</c>, <c>6.818E-05</c>); NaN is an
/// empty cell; times are Unix milliseconds except metrics' create_time (<c>yyyy-MM-dd HH:mm:ss</c>, with <c>.fff</c>
/// when the time has milliseconds). Lines end with <c>\n</c>; the header row is Binance's. Output depends only on the
/// records, so the same records give byte-identical files.
/// </remarks>
public static class BinanceCsvWriter
{
    private static readonly DateTimeOffset ZipEntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes klines in Binance's 12 columns: open_time, open, high, low, close, volume,
    /// close_time (= open_time + interval − 1 ms), quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore (0).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="klines">The bars, written in the order given.</param>
    /// <param name="interval">The kline interval (for close_time).</param>
    /// <param name="header">Whether to write the header row (Binance's newer files have one, older ones do not).</param>
    public static void WriteKlines(TextWriter writer, IEnumerable<Kline> klines, Timeframe interval, bool header = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(klines);
        if (header)
        {
            WriteHeader(writer, BinanceColumns.Klines);
        }

        Span<char> buf = stackalloc char[32];
        foreach (var k in klines)
        {
            Int(writer, k.Time, buf);
            Num(writer, k.Open, buf);
            Num(writer, k.High, buf);
            Num(writer, k.Low, buf);
            Num(writer, k.Close, buf);
            Num(writer, k.Volume, buf);
            Int(writer, k.Time + interval.Milliseconds - 1, buf);
            Num(writer, k.QuoteVolume, buf);
            Num(writer, k.Trades, buf);
            Num(writer, k.TakerBuyVolume, buf);
            Num(writer, k.TakerBuyQuoteVolume, buf);
            writer.Write("0\n");
        }
    }

    /// <summary>Writes funding settlements as Binance fundingRate: calc_time (ms), funding_interval_hours,
    /// last_funding_rate.</summary>
    public static void WriteFundingRate(TextWriter writer, IEnumerable<FundingSettlement> settlements, bool header = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(settlements);
        if (header)
        {
            WriteHeader(writer, BinanceColumns.FundingRate);
        }

        Span<char> buf = stackalloc char[32];
        foreach (var f in settlements)
        {
            Int(writer, f.Time, buf);
            Num(writer, f.IntervalHours, buf);
            Num(writer, f.Rate, buf, last: true);
        }
    }

    /// <summary>Writes open interest and positioning snapshots as Binance metrics, one row per snapshot time (the two
    /// inputs are joined on time; a value one of them lacks is an empty cell), sorted by time. Columns: create_time,
    /// symbol, sum_open_interest, sum_open_interest_value, count_toptrader_long_short_ratio (top traders by accounts),
    /// sum_toptrader_long_short_ratio (by positions), count_long_short_ratio, sum_taker_long_short_vol_ratio.</summary>
    public static void WriteMetrics(TextWriter writer, string symbol, IEnumerable<OpenInterestSnapshot> openInterest,
        IEnumerable<PositioningSnapshot> positioning, bool header = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        SymbolName.Validate(symbol);
        ArgumentNullException.ThrowIfNull(openInterest);
        ArgumentNullException.ThrowIfNull(positioning);
        var rows = new SortedDictionary<long, MetricsRow>();
        foreach (var o in openInterest)
        {
            var r = rows.TryGetValue(o.Time, out var existing) ? existing : Empty(o.Time);
            rows[o.Time] = r with { OpenInterest = o.OpenInterest, OpenInterestValue = o.OpenInterestValue };
        }

        foreach (var p in positioning)
        {
            var r = rows.TryGetValue(p.Time, out var existing) ? existing : Empty(p.Time);
            rows[p.Time] = r with
            {
                LongShortRatio = p.LongShortRatio,
                TopTraderLongShortRatio = p.TopTraderLongShortRatio,
                TopTraderPositionRatio = p.TopTraderPositionRatio,
                TakerLongShortVolRatio = p.TakerLongShortVolRatio,
            };
        }

        WriteMetricsRows(writer, symbol, rows.Values, header);
    }

    /// <summary>Writes liquidation events as Binance liquidationSnapshot: time, side (SELL = long liquidated, BUY =
    /// short), order_type LIMIT, time_in_force IOC, original_quantity, price, average_price (both = the event price),
    /// order_status FILLED, last_fill_quantity, accumulated_fill_quantity (all = the event quantity).</summary>
    public static void WriteLiquidationSnapshot(TextWriter writer, IEnumerable<LiquidationEvent> events, bool header = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(events);
        if (header)
        {
            WriteHeader(writer, BinanceColumns.LiquidationSnapshot);
        }

        Span<char> buf = stackalloc char[32];
        foreach (var e in events)
        {
            Int(writer, e.Time, buf);
            writer.Write(e.Side == LiquidationSide.Long ? "SELL,LIMIT,IOC," : "BUY,LIMIT,IOC,");
            Num(writer, e.Quantity, buf);
            Num(writer, e.Price, buf);
            Num(writer, e.Price, buf);
            writer.Write("FILLED,");
            Num(writer, e.Quantity, buf);
            Num(writer, e.Quantity, buf, last: true);
        }
    }

    /// <summary>
    /// Writes a file atomically (a temporary file in the same folder, then a rename), choosing the container by the
    /// extension: <c>.zip</c> — a zip archive holding one CSV named like the archive (<c>X.zip</c> holds <c>X.csv</c>, as
    /// Binance ships them; fixed entry time, so output is reproducible); <c>.gz</c> — gzip; anything else — plain text.
    /// UTF-8 without byte-order mark.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the CSV text.</param>
    public static void WriteFile(string path, Action<TextWriter> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                {
                    using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
                    var entry = zip.CreateEntry(Path.GetFileNameWithoutExtension(full) + ".csv", CompressionLevel.Optimal);
                    entry.LastWriteTime = ZipEntryTime;
                    using var text = Text(entry.Open());
                    write(text);
                }
                else if (full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                {
                    using var text = Text(new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true));
                    write(text);
                }
                else
                {
                    using var text = Text(file, leaveOpen: true);
                    write(text);
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    internal static void WriteMetricsRows(TextWriter writer, string symbol, IEnumerable<MetricsRow> rows, bool header)
    {
        if (header)
        {
            WriteHeader(writer, BinanceColumns.Metrics);
        }

        Span<char> buf = stackalloc char[32];
        foreach (var r in rows)
        {
            var t = DateTimeOffset.FromUnixTimeMilliseconds(r.Time).UtcDateTime;
            writer.Write(t.ToString(t.Millisecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(symbol);
            writer.Write(',');
            Num(writer, r.OpenInterest, buf);
            Num(writer, r.OpenInterestValue, buf);
            Num(writer, r.TopTraderLongShortRatio, buf);
            Num(writer, r.TopTraderPositionRatio, buf);
            Num(writer, r.LongShortRatio, buf);
            Num(writer, r.TakerLongShortVolRatio, buf, last: true);
        }
    }

    internal static MetricsRow Empty(long time) => new(time, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    private static StreamWriter Text(Stream stream, bool leaveOpen = false) =>
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen);

    private static void WriteHeader(TextWriter writer, string[] columns)
    {
        writer.Write(string.Join(',', columns));
        writer.Write('\n');
    }

    private static void Int(TextWriter writer, long value, Span<char> buf)
    {
        value.TryFormat(buf, out int n, default, CultureInfo.InvariantCulture);
        writer.Write(buf[..n]);
        writer.Write(',');
    }

    private static void Num(TextWriter writer, double value, Span<char> buf, bool last = false)
    {
        if (!double.IsNaN(value))
        {
            value.TryFormat(buf, out int n, default, CultureInfo.InvariantCulture);
            writer.Write(buf[..n]);
        }

        writer.Write(last ? '\n' : ',');
    }
}
