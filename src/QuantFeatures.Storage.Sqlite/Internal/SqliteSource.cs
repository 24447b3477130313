using System.Runtime.CompilerServices;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>Reads the visible revision of every key of a series in a range, in key (time) order, streaming from one
/// read transaction (a consistent snapshot even while writers commit).</summary>
internal static class VisibleReader
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(SqliteMarketStore store, RecordTable<T> table, string symbol, Timeframe? timeframe,
        TimeRange range, StoreReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : struct, IMarketRecord
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        var sql = RecordSql<T>.For(table);
        using var c = await store.OpenConnectionAsync(checkSchema: true, create: false, cancellationToken).ConfigureAwait(false);
        using var cmd = c.CreateCommand();
        cmd.CommandText = options.AsOf is null ? sql.Latest : sql.AsOf;
        SqliteMarketStore.BindSeries(cmd, symbol, timeframe);
        cmd.Parameters.AddWithValue("$from", range.From);
        cmd.Parameters.AddWithValue("$to", range.To);
        if (options.AsOf is { } asOf)
        {
            cmd.Parameters.AddWithValue("$as_of", asOf);
        }

        using var reader = store.ExecuteReader(cmd);
        while (store.Read(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return table.Read(reader, 0);
        }
    }
}

/// <summary>A sparse record kind of the store, latest or as of a time.</summary>
internal sealed class SqliteSource<T>(SqliteMarketStore store, RecordTable<T> table, StoreReadOptions options) : IMarketDataSource<T>
    where T : struct, IMarketRecord
{
    public IAsyncEnumerable<T> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default) =>
        VisibleReader.ReadAsync(store, table, StoreIdentifiers.ValidateSymbol(symbol), null, range, options, cancellationToken);
}

/// <summary>The bars of one symbol and timeframe, latest or as of a time.</summary>
internal sealed class SqliteKlineSource(SqliteMarketStore store, string seriesSymbol, Timeframe timeframe, StoreReadOptions options,
    IReadOnlyCollection<MarketColumn> optionalColumns) : IKlineSource
{
    public IReadOnlyCollection<MarketColumn> OptionalColumns { get; } = optionalColumns;

    public Timeframe? TimeframeOf(string symbol) => string.Equals(symbol, seriesSymbol, StringComparison.Ordinal) ? timeframe : null;

    public IAsyncEnumerable<Kline> ReadAsync(string symbol, TimeRange range, CancellationToken cancellationToken = default)
    {
        StoreIdentifiers.ValidateSymbol(symbol);
        if (!string.Equals(symbol, seriesSymbol, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This bar source was opened for {seriesSymbol} {timeframe}, not {symbol}: open one per symbol with OpenKlinesAsync.", nameof(symbol));
        }

        return VisibleReader.ReadAsync(store, KlineTable.Instance, symbol, timeframe, range, options, cancellationToken);
    }
}
