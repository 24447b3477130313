using System.Collections.Concurrent;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>Symbols become file names: only letters, digits and '_' are accepted (no path tricks).</summary>
internal static class SymbolName
{
    public static string Validate(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        foreach (char c in symbol)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                throw new ArgumentException($"Invalid symbol '{symbol}': only ASCII letters, digits and '_' are allowed in file names.", nameof(symbol));
            }
        }

        return symbol;
    }
}

/// <summary>
/// The common part of the file sinks: one CSV file per symbol in Binance layout, merged with what is already there
/// (read, merge by key, write to a temporary file, rename over the old one: idempotent and atomic per call).
/// Writers of the same file within the process are serialised.
/// </summary>
internal abstract class MergingFileSink<T, TKey, TRow>(string directory, string suffix) : IMarketDataSink<T>
    where T : struct, IMarketRecord
    where TKey : notnull
    where TRow : struct, IMarketRecord
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    protected abstract CsvFormat<TRow> Format { get; }

    public async Task<int> WriteAsync(string symbol, IReadOnlyList<T> records, CancellationToken cancellationToken = default)
    {
        SymbolName.Validate(symbol);
        ArgumentNullException.ThrowIfNull(records);
        string path = Path.GetFullPath(Path.Combine(directory, $"{symbol}-{suffix}.csv"));
        var gate = Locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = new Dictionary<TKey, TRow>();
            if (File.Exists(path))
            {
                using var reader = CsvRecordReader<TRow>.Open(path, Format, symbol, null);
                var batch = new TRow[RecordStream.BatchSize];
                int n;
                while ((n = await reader.ReadBatchAsync(batch, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        rows[KeyOfRow(batch[i])] = batch[i];
                    }
                }
            }

            var changed = new HashSet<TKey>();
            foreach (var record in records)
            {
                var key = KeyOf(record);
                var updated = Merge(rows.TryGetValue(key, out var old) ? old : null, record);
                if (!rows.TryGetValue(key, out var existing) || !existing.Equals(updated))
                {
                    changed.Add(key);
                    rows[key] = updated;
                }
            }

            if (changed.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ordered = rows.Values.OrderBy(r => r, Comparer<TRow>.Create(Compare)).ToList();
                BinanceCsvWriter.WriteFile(path, w => Write(w, symbol, ordered));
            }

            return changed.Count;
        }
        finally
        {
            gate.Release();
        }
    }

    protected abstract TKey KeyOf(T record);

    protected abstract TKey KeyOfRow(TRow row);

    /// <summary>The stored row after writing <paramref name="record"/> over <paramref name="existing"/> (if any).</summary>
    protected abstract TRow Merge(TRow? existing, T record);

    protected virtual int Compare(TRow a, TRow b) => a.Time.CompareTo(b.Time);

    protected abstract void Write(TextWriter writer, string symbol, List<TRow> rows);
}

internal sealed class KlineFileSink(string directory, Timeframe interval) : MergingFileSink<Kline, long, Kline>(directory, interval.ToString())
{
    private static readonly KlineFormat KlineFormat = new(priceOnly: false);

    protected override CsvFormat<Kline> Format => KlineFormat;

    protected override long KeyOf(Kline record) => record.Time;

    protected override long KeyOfRow(Kline row) => row.Time;

    protected override Kline Merge(Kline? existing, Kline record) => record;

    protected override void Write(TextWriter writer, string symbol, List<Kline> rows) => BinanceCsvWriter.WriteKlines(writer, rows, interval);
}

internal sealed class FundingFileSink(string directory) : MergingFileSink<FundingSettlement, long, FundingSettlement>(directory, "fundingRate")
{
    private static readonly FundingFormat FundingFormat = new();

    protected override CsvFormat<FundingSettlement> Format => FundingFormat;

    protected override long KeyOf(FundingSettlement record) => record.Time;

    protected override long KeyOfRow(FundingSettlement row) => row.Time;

    protected override FundingSettlement Merge(FundingSettlement? existing, FundingSettlement record) => record;

    protected override void Write(TextWriter writer, string symbol, List<FundingSettlement> rows) => BinanceCsvWriter.WriteFundingRate(writer, rows);
}

/// <summary>Liquidations are a set: an event equal to one stored (time, side, price, quantity) is not new.</summary>
internal sealed class LiquidationFileSink(string directory)
    : MergingFileSink<LiquidationEvent, LiquidationEvent, LiquidationEvent>(directory, "liquidationSnapshot")
{
    private static readonly LiquidationFormat LiquidationFormat = new();

    protected override CsvFormat<LiquidationEvent> Format => LiquidationFormat;

    protected override LiquidationEvent KeyOf(LiquidationEvent record) => record;

    protected override LiquidationEvent KeyOfRow(LiquidationEvent row) => row;

    protected override LiquidationEvent Merge(LiquidationEvent? existing, LiquidationEvent record) => record;

    protected override int Compare(LiquidationEvent a, LiquidationEvent b)
    {
        int c = a.Time.CompareTo(b.Time);
        if (c == 0)
        {
            c = a.Side.CompareTo(b.Side);
        }

        if (c == 0)
        {
            c = a.Price.CompareTo(b.Price);
        }

        return c != 0 ? c : a.Quantity.CompareTo(b.Quantity);
    }

    protected override void Write(TextWriter writer, string symbol, List<LiquidationEvent> rows) => BinanceCsvWriter.WriteLiquidationSnapshot(writer, rows);
}

/// <summary>Open interest into the symbol's metrics file, keeping the ratio columns of existing rows.</summary>
internal sealed class OpenInterestFileSink(string directory) : MergingFileSink<OpenInterestSnapshot, long, MetricsRow>(directory, "metrics")
{
    private static readonly MetricsFormat MetricsFormat = new(MetricsFormat.Need.Any);

    protected override CsvFormat<MetricsRow> Format => MetricsFormat;

    protected override long KeyOf(OpenInterestSnapshot record) => record.Time;

    protected override long KeyOfRow(MetricsRow row) => row.Time;

    protected override MetricsRow Merge(MetricsRow? existing, OpenInterestSnapshot record) =>
        (existing ?? BinanceCsvWriter.Empty(record.Time)) with { OpenInterest = record.OpenInterest, OpenInterestValue = record.OpenInterestValue };

    protected override void Write(TextWriter writer, string symbol, List<MetricsRow> rows) => BinanceCsvWriter.WriteMetricsRows(writer, symbol, rows, header: true);
}

/// <summary>Positioning ratios into the symbol's metrics file, keeping the open interest columns of existing rows.</summary>
internal sealed class PositioningFileSink(string directory) : MergingFileSink<PositioningSnapshot, long, MetricsRow>(directory, "metrics")
{
    private static readonly MetricsFormat MetricsFormat = new(MetricsFormat.Need.Any);

    protected override CsvFormat<MetricsRow> Format => MetricsFormat;

    protected override long KeyOf(PositioningSnapshot record) => record.Time;

    protected override long KeyOfRow(MetricsRow row) => row.Time;

    protected override MetricsRow Merge(MetricsRow? existing, PositioningSnapshot record) =>
        (existing ?? BinanceCsvWriter.Empty(record.Time)) with
        {
            LongShortRatio = record.LongShortRatio,
            TopTraderLongShortRatio = record.TopTraderLongShortRatio,
            TopTraderPositionRatio = record.TopTraderPositionRatio,
            TakerLongShortVolRatio = record.TakerLongShortVolRatio,
        };

    protected override void Write(TextWriter writer, string symbol, List<MetricsRow> rows) => BinanceCsvWriter.WriteMetricsRows(writer, symbol, rows, header: true);
}
