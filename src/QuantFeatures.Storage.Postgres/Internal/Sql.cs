using System.Globalization;
using System.Text;

namespace QuantFeatures.Storage.Postgres.Internal;

/// <summary>Identifier quoting, time conversion and lock keys.</summary>
internal static class Sql
{
    /// <summary>The earliest time a store keeps (0001-01-01, the start of <see cref="DateTime"/>), Unix ms.</summary>
    public static readonly long MinTime = (DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>The latest time a store keeps (9999-12-31 23:59:59.999), Unix ms.</summary>
    public static readonly long MaxTime = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>A quoted identifier. Only names chosen by this code or validated by
    /// <see cref="StoreIdentifiers.ValidateSqlName"/> (a-z, 0-9, '_') reach this, so quoting cannot be escaped.</summary>
    public static string Q(string name)
    {
        StoreIdentifiers.ValidateSqlName(name, "SQL identifier");
        return "\"" + name + "\"";
    }

    /// <summary>Unix ms → a UTC <see cref="DateTime"/> (timestamptz keeps microseconds, so milliseconds are exact).</summary>
    public static DateTime ToDateTime(long ms) => new(DateTime.UnixEpoch.Ticks + ms * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>A UTC <see cref="DateTime"/> read from timestamptz → Unix ms.</summary>
    public static long ToMs(DateTime time) => (time.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>A bound of a query range clamped to the times a store can hold.</summary>
    public static DateTime Clamp(long ms) => ToDateTime(Math.Clamp(ms, MinTime, MaxTime));

    /// <summary>The inclusive last time of the half-open range [from, to), clamped.</summary>
    public static DateTime LastOf(long to) => Clamp(to == long.MinValue ? long.MinValue : to - 1);

    /// <summary>Throws when a record's time cannot be stored (timestamptz through <see cref="DateTime"/>).</summary>
    public static void CheckTime(long time, string what, int index)
    {
        if (time < MinTime || time > MaxTime)
        {
            throw new ArgumentOutOfRangeException(what,
                string.Create(CultureInfo.InvariantCulture,
                    $"Record {index} has time {time} ms, outside 0001-01-01 … 9999-12-31 (Unix ms {MinTime} … {MaxTime}), which the PostgreSQL store keeps."));
        }
    }

    /// <summary>A 64-bit advisory lock key for a name (FNV-1a over its UTF-8 bytes). A collision only serialises two
    /// unrelated writers; it never lets two writers of one series run together.</summary>
    public static long LockKey(params string[] parts)
    {
        ulong h = 14695981039346656037UL;
        foreach (var part in parts)
        {
            foreach (byte b in Encoding.UTF8.GetBytes(part))
            {
                h = (h ^ b) * 1099511628211UL;
            }

            h = (h ^ 0xFF) * 1099511628211UL; // separator: ("ab","c") differs from ("a","bc")
        }

        return unchecked((long)h);
    }
}
