using System.Globalization;
using System.Text.Json;

namespace QuantFeatures.Storage.Redis;

/// <summary>What a publish did (see <see cref="RedisFeatureStore.PublishAsync"/>).</summary>
public enum PublishStatus
{
    /// <summary>A bar not stored before: revision 1, now the latest row.</summary>
    Created,

    /// <summary>A stored bar with different values: a new revision amending the previous one (kept in the history).</summary>
    Revised,

    /// <summary>A stored bar with the same values, bit for bit: nothing was written and nothing was notified.</summary>
    Unchanged,

    /// <summary>A bar older than the latest row that is not in the retained history (never stored, or evicted): nothing
    /// was written. The latest row never moves backwards.</summary>
    Rejected,
}

/// <summary>The outcome of one publish.</summary>
/// <param name="Status">What was done.</param>
/// <param name="Revision">The revision written (0 when nothing was written).</param>
/// <param name="ChangedValues">How many feature values were new or changed.</param>
public readonly record struct PublishOutcome(PublishStatus Status, int Revision, int ChangedValues);

/// <summary>A stored feature row: one bar of one series in one revision.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Timeframe">The timeframe.</param>
/// <param name="BarTime">The bar's open time (Unix ms, UTC).</param>
/// <param name="Revision">The row's revision metadata.</param>
/// <param name="CatalogVersion">The catalogue version the values were computed with.</param>
/// <param name="Names">The features, in the order of <paramref name="Values"/>.</param>
/// <param name="Values">The feature values, bit for bit as written.</param>
public sealed record FeatureRow(string Symbol, Timeframe Timeframe, long BarTime, RecordRevision Revision, string CatalogVersion,
    IReadOnlyList<string> Names, double[] Values)
{
    /// <summary>The value of one feature.</summary>
    /// <exception cref="ArgumentException">The row has no such feature.</exception>
    public double this[string name]
    {
        get
        {
            for (int i = 0; i < Names.Count; i++)
            {
                if (string.Equals(Names[i], name, StringComparison.Ordinal))
                {
                    return Values[i];
                }
            }

            throw new ArgumentException($"The feature row has no feature '{name}'.", nameof(name));
        }
    }
}

/// <summary>
/// The pub/sub message of one write of a row, a JSON object:
/// <c>{"symbol":"BTCUSDT","timeframe":"1h","bar":1735689600000,"revision":1,"amendedFrom":null,"fetchedAt":1735693200123,"latest":true}</c>.
/// </summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Timeframe">The timeframe text (e.g. <c>1h</c>).</param>
/// <param name="BarTime">The bar's open time (Unix ms, UTC).</param>
/// <param name="Revision">The revision written.</param>
/// <param name="AmendedFrom">The revision it amends (null for revision 1).</param>
/// <param name="FetchedAt">The write's clock (Unix ms, UTC).</param>
/// <param name="IsLatest">Whether the row is now the series' latest (false for a correction of an older retained bar).</param>
public sealed record FeatureUpdateNotification(string Symbol, string Timeframe, long BarTime, int Revision, int? AmendedFrom, long FetchedAt, bool IsLatest)
{
    /// <summary>Parses a message as the store publishes it.</summary>
    /// <exception cref="FormatException">Not such a message.</exception>
    public static FeatureUpdateNotification Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            using var doc = JsonDocument.Parse(message);
            var r = doc.RootElement;
            return new FeatureUpdateNotification(
                r.GetProperty("symbol").GetString() ?? throw new FormatException("symbol is null"),
                r.GetProperty("timeframe").GetString() ?? throw new FormatException("timeframe is null"),
                r.GetProperty("bar").GetInt64(),
                r.GetProperty("revision").GetInt32(),
                r.GetProperty("amendedFrom").ValueKind == JsonValueKind.Null ? null : r.GetProperty("amendedFrom").GetInt32(),
                r.GetProperty("fetchedAt").GetInt64(),
                r.GetProperty("latest").GetBoolean());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Not a feature update notification: {message}"), ex);
        }
    }
}
