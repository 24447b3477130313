using System.Globalization;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Internal;

namespace QuantFeatures.Storage.Csv;

/// <summary>How <see cref="SyntheticArchiveWriter"/> lays out its files.</summary>
public enum SyntheticArchiveLayout
{
    /// <summary>One CSV per kind in the folder: <c>SYMBOL-&lt;tf&gt;.csv</c>, <c>SYMBOL-&lt;tf&gt;-mark.csv</c>,
    /// <c>SYMBOL-&lt;tf&gt;-index.csv</c>, <c>SYMBOL-fundingRate.csv</c>, <c>SYMBOL-metrics.csv</c>,
    /// <c>SYMBOL-liquidationSnapshot.csv</c>.</summary>
    FlatCsv,

    /// <summary>The Binance public-data tree with daily zips (monthly for funding):
    /// <c>klines/SYMBOL/&lt;tf&gt;/SYMBOL-&lt;tf&gt;-yyyy-MM-dd.zip</c>, <c>markPriceKlines/…</c>, <c>indexPriceKlines/…</c>,
    /// <c>fundingRate/SYMBOL/SYMBOL-fundingRate-yyyy-MM.zip</c>, <c>metrics/SYMBOL/SYMBOL-metrics-yyyy-MM-dd.zip</c>,
    /// <c>liquidationSnapshot/SYMBOL/SYMBOL-liquidationSnapshot-yyyy-MM-dd.zip</c>.</summary>
    DailyZip,
}

/// <summary>
/// Writes a <see cref="SyntheticMarket"/> as Binance-layout files (with header rows), which
/// <see cref="BinanceArchiveDirectory"/> and <see cref="CsvSources"/> read back to the same records. The output depends
/// only on the market, so the same seed gives byte-identical files.
/// </summary>
public static class SyntheticArchiveWriter
{
    /// <summary>Writes every kind of <paramref name="market"/> under <paramref name="directory"/>.</summary>
    /// <returns>The files written, sorted by path.</returns>
    public static IReadOnlyList<string> Write(SyntheticMarket market, string directory, SyntheticArchiveLayout layout = SyntheticArchiveLayout.FlatCsv)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string sym = SymbolName.Validate(market.Symbol);
        string tf = market.Timeframe.ToString();
        var written = new List<string>();
        void Emit(string path, Action<TextWriter> write)
        {
            BinanceCsvWriter.WriteFile(path, write);
            written.Add(Path.GetFullPath(path));
        }

        if (layout == SyntheticArchiveLayout.FlatCsv)
        {
            Emit(Path.Combine(directory, $"{sym}-{tf}.csv"), w => BinanceCsvWriter.WriteKlines(w, market.Klines, market.Timeframe));
            Emit(Path.Combine(directory, $"{sym}-{tf}-mark.csv"), w => BinanceCsvWriter.WriteKlines(w, market.MarkPriceKlines, market.Timeframe));
            Emit(Path.Combine(directory, $"{sym}-{tf}-index.csv"), w => BinanceCsvWriter.WriteKlines(w, market.IndexPriceKlines, market.Timeframe));
            Emit(Path.Combine(directory, $"{sym}-fundingRate.csv"), w => BinanceCsvWriter.WriteFundingRate(w, market.Funding));
            Emit(Path.Combine(directory, $"{sym}-metrics.csv"), w => BinanceCsvWriter.WriteMetrics(w, sym, market.OpenInterest, market.Positioning));
            Emit(Path.Combine(directory, $"{sym}-liquidationSnapshot.csv"), w => BinanceCsvWriter.WriteLiquidationSnapshot(w, market.Liquidations));
        }
        else
        {
            foreach (var (folder, klines) in new[] { ("klines", market.Klines), ("markPriceKlines", market.MarkPriceKlines), ("indexPriceKlines", market.IndexPriceKlines) })
            {
                foreach (var day in klines.GroupBy(k => Day(k.Time)))
                {
                    Emit(Path.Combine(directory, folder, sym, tf, $"{sym}-{tf}-{day.Key}.zip"), w => BinanceCsvWriter.WriteKlines(w, day, market.Timeframe));
                }
            }

            foreach (var month in market.Funding.GroupBy(f => Month(f.Time)))
            {
                Emit(Path.Combine(directory, "fundingRate", sym, $"{sym}-fundingRate-{month.Key}.zip"), w => BinanceCsvWriter.WriteFundingRate(w, month));
            }

            var positioning = market.Positioning.ToLookup(p => Day(p.Time));
            foreach (var day in market.OpenInterest.GroupBy(o => Day(o.Time)))
            {
                Emit(Path.Combine(directory, "metrics", sym, $"{sym}-metrics-{day.Key}.zip"), w => BinanceCsvWriter.WriteMetrics(w, sym, day, positioning[day.Key]));
            }

            foreach (var day in market.Liquidations.GroupBy(e => Day(e.Time)))
            {
                Emit(Path.Combine(directory, "liquidationSnapshot", sym, $"{sym}-liquidationSnapshot-{day.Key}.zip"), w => BinanceCsvWriter.WriteLiquidationSnapshot(w, day));
            }
        }

        written.Sort(StringComparer.Ordinal);
        return written;
    }

    private static string Day(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Month(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
