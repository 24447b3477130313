using QuantFeatures.Data;

namespace QuantFeatures.Quality;

/// <summary>Columnar view of <see cref="Kline"/> records for the validator and the cleaner.</summary>
internal static class KlineTable
{
    private static readonly MarketColumn[] Optional =
        [MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];

    /// <summary>Times and columns of the records: OHLCV always, each optional column when at least one record has a value.</summary>
    public static (long[] Time, Dictionary<MarketColumn, double[]> Columns) ToColumns(IReadOnlyList<Kline> klines)
    {
        int n = klines.Count;
        var time = new long[n];
        var columns = new Dictionary<MarketColumn, double[]>();
        foreach (var c in (MarketColumn[])[MarketColumn.Open, MarketColumn.High, MarketColumn.Low, MarketColumn.Close, MarketColumn.Volume])
        {
            columns[c] = new double[n];
        }

        var optional = Optional.Select(_ => new double[n]).ToArray();
        var seen = new bool[Optional.Length];
        for (int i = 0; i < n; i++)
        {
            var k = klines[i];
            time[i] = k.Time;
            columns[MarketColumn.Open][i] = k.Open;
            columns[MarketColumn.High][i] = k.High;
            columns[MarketColumn.Low][i] = k.Low;
            columns[MarketColumn.Close][i] = k.Close;
            columns[MarketColumn.Volume][i] = k.Volume;
            ReadOnlySpan<double> extra = [k.QuoteVolume, k.Trades, k.TakerBuyVolume, k.TakerBuyQuoteVolume];
            for (int j = 0; j < extra.Length; j++)
            {
                optional[j][i] = extra[j];
                seen[j] |= !double.IsNaN(extra[j]);
            }
        }

        for (int j = 0; j < Optional.Length; j++)
        {
            if (seen[j])
            {
                columns[Optional[j]] = optional[j];
            }
        }

        return (time, columns);
    }

    /// <summary>Records from columns (absent optional columns give NaN).</summary>
    public static Kline[] ToKlines(long[] time, IReadOnlyDictionary<MarketColumn, double[]> columns)
    {
        double Get(MarketColumn c, int i) => columns.TryGetValue(c, out var a) ? a[i] : double.NaN;
        var result = new Kline[time.Length];
        for (int i = 0; i < time.Length; i++)
        {
            result[i] = new Kline(time[i], Get(MarketColumn.Open, i), Get(MarketColumn.High, i), Get(MarketColumn.Low, i), Get(MarketColumn.Close, i),
                Get(MarketColumn.Volume, i), Get(MarketColumn.QuoteVolume, i), Get(MarketColumn.Trades, i), Get(MarketColumn.TakerBuyVolume, i),
                Get(MarketColumn.TakerBuyQuoteVolume, i));
        }

        return result;
    }
}
