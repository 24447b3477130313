using System.Runtime.CompilerServices;
using QuantFeatures.Data;

namespace QuantFeatures.Storage;

/// <summary>
/// The identity of a stored record within its series, across revisions: the time for bars, funding, open interest and
/// positioning; (time, kind) for reference prices; the whole event (time, side, price, quantity) for liquidations, which
/// are never amended — two equal events are one event.
/// </summary>
/// <param name="Time">The record's time.</param>
/// <param name="Tag">The reference price kind or liquidation side (0 otherwise).</param>
/// <param name="A">The liquidation price's bits (0 otherwise).</param>
/// <param name="B">The liquidation quantity's bits (0 otherwise).</param>
public readonly record struct RecordKey(long Time, int Tag = 0, long A = 0, long B = 0);

/// <summary>Keys and value comparison of the record types, shared by every adapter so that all stores agree.</summary>
public static class RecordKeys
{
    /// <summary>The kind of a record type.</summary>
    /// <exception cref="NotSupportedException">Not a market record type of this library.</exception>
    public static RecordKind KindOf<T>()
        where T : struct, IMarketRecord
    {
        if (typeof(T) == typeof(Kline)) return RecordKind.Kline;
        if (typeof(T) == typeof(FundingSettlement)) return RecordKind.Funding;
        if (typeof(T) == typeof(OpenInterestSnapshot)) return RecordKind.OpenInterest;
        if (typeof(T) == typeof(PositioningSnapshot)) return RecordKind.Positioning;
        if (typeof(T) == typeof(LiquidationEvent)) return RecordKind.Liquidation;
        if (typeof(T) == typeof(ReferencePrice)) return RecordKind.ReferencePrice;
        throw new NotSupportedException($"{typeof(T).Name} is not a record kind a market data store keeps.");
    }

    /// <summary>The key of <paramref name="record"/>.</summary>
    public static RecordKey Of<T>(in T record)
        where T : struct, IMarketRecord
    {
        if (typeof(T) == typeof(LiquidationEvent))
        {
            ref readonly var e = ref Unsafe.As<T, LiquidationEvent>(ref Unsafe.AsRef(in record));
            return new RecordKey(e.Time, (int)e.Side, BitConverter.DoubleToInt64Bits(e.Price), BitConverter.DoubleToInt64Bits(e.Quantity));
        }

        if (typeof(T) == typeof(ReferencePrice))
        {
            ref readonly var p = ref Unsafe.As<T, ReferencePrice>(ref Unsafe.AsRef(in record));
            return new RecordKey(p.Time, (int)p.Kind);
        }

        return new RecordKey(record.Time);
    }

    /// <summary>Whether two records carry exactly the same values, bit for bit (NaN equals NaN, 0 differs from −0):
    /// a write of an equal record is a no-op, any other difference is a new revision.</summary>
    public static bool SameValues<T>(in T a, in T b)
        where T : struct, IMarketRecord
    {
        if (a.Time != b.Time || RecordFields.Tag(a) != RecordFields.Tag(b))
        {
            return false;
        }

        Span<double> x = stackalloc double[9];
        Span<double> y = stackalloc double[9];
        RecordFields.Write(a, x);
        RecordFields.Write(b, y);
        for (int i = 0, n = RecordFields.DoubleCount<T>(); i < n; i++)
        {
            if (!Same(x[i], y[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Bitwise equality of two doubles.</summary>
    public static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}

/// <summary>
/// The revision rule every adapter applies to a batch: within the batch the last record of a key wins; a key not yet
/// stored becomes revision 1; a key whose latest stored revision has the same values is skipped; any other becomes
/// latest + 1, amending latest. Adapters run it inside the batch's transaction (or lock), against the latest revisions.
/// </summary>
public static class RevisionPlanner
{
    /// <summary>The latest stored value and revision of a key (null: not stored).</summary>
    public delegate (T Record, int Revision)? LatestLookup<T>(RecordKey key)
        where T : struct, IMarketRecord;

    /// <summary>The records of the batch, de-duplicated by key (the last wins), in the order first seen.</summary>
    public static List<T> Deduplicate<T>(IReadOnlyList<T> records)
        where T : struct, IMarketRecord
    {
        ArgumentNullException.ThrowIfNull(records);
        var index = new Dictionary<RecordKey, int>(records.Count);
        var result = new List<T>(records.Count);
        foreach (var r in records)
        {
            var key = RecordKeys.Of(r);
            if (index.TryGetValue(key, out int at))
            {
                result[at] = r;
            }
            else
            {
                index[key] = result.Count;
                result.Add(r);
            }
        }

        return result;
    }

    /// <summary>The rows to insert for <paramref name="records"/>, given the latest stored revisions.</summary>
    public static List<StoredRecord<T>> Plan<T>(IReadOnlyList<T> records, LatestLookup<T> latest, long fetchedAt)
        where T : struct, IMarketRecord
    {
        ArgumentNullException.ThrowIfNull(latest);
        var rows = new List<StoredRecord<T>>();
        foreach (var r in Deduplicate(records))
        {
            var stored = latest(RecordKeys.Of(r));
            if (stored is null)
            {
                rows.Add(new StoredRecord<T>(r, new RecordRevision(1, null, fetchedAt)));
            }
            else if (!RecordKeys.SameValues(stored.Value.Record, r))
            {
                int rev = stored.Value.Revision;
                rows.Add(new StoredRecord<T>(r, new RecordRevision(rev + 1, rev, fetchedAt)));
            }
        }

        return rows;
    }

    /// <summary>Of all revisions of one key, the one a read with <paramref name="options"/> returns (null: none known then).</summary>
    public static StoredRecord<T>? Visible<T>(IEnumerable<StoredRecord<T>> revisionsOfOneKey, StoreReadOptions? options)
        where T : struct, IMarketRecord
    {
        StoredRecord<T>? best = null;
        long asOf = options?.AsOf ?? long.MaxValue;
        foreach (var r in revisionsOfOneKey)
        {
            if (r.Revision.FetchedAt <= asOf && (best is null || r.Revision.Revision > best.Value.Revision.Revision))
            {
                best = r;
            }
        }

        return best;
    }
}
