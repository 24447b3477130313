using System.Globalization;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>
/// Parses time cells (UTF-8) into Unix milliseconds, UTC, without allocating.
/// </summary>
/// <remarks>
/// <para>Epoch numbers: the unit is detected per value by magnitude — |v| &lt; 10¹¹ seconds, &lt; 10¹⁴ milliseconds,
/// &lt; 10¹⁷ microseconds, otherwise nanoseconds — so a file may mix Binance's millisecond and (2025+) microsecond
/// stamps. Sub-millisecond parts are floored (toward the past), so a µs close time 1746057659999999 becomes
/// 1746057659999.</para>
/// <para>ISO-8601: <c>yyyy-MM-dd</c>, optionally followed by <c>T</c> or a space and <c>HH:mm[:ss[.fff…]]</c>, and an
/// optional zone <c>Z</c>, <c>±HH:MM</c>, <c>±HHMM</c> or <c>±HH</c>; no zone means UTC (Binance metrics write
/// <c>2025-05-01 00:05:00</c>).</para>
/// </remarks>
internal static class Utf8Time
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string AcceptedForms = "expected epoch seconds/milliseconds/microseconds or ISO-8601 such as 2025-05-01T00:05:00Z or 2025-05-01 00:05:00";

    private const long MaxMs = 253_402_300_799_999L; // 9999-12-31T23:59:59.999Z
    private const long MinMs = -62_135_596_800_000L; // 0001-01-01T00:00:00Z

    /// <summary>Parses a time cell.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        // An ISO date has '-' at index 4; an epoch value never has a '-' after its first character.
        return s.Length >= 10 && s[4] == (byte)'-' ? TryParseIso(s, out unixMs) : TryParseEpoch(s, out unixMs);
    }

    /// <summary>Converts an epoch integer of any supported unit to milliseconds (floored).</summary>
    public static long EpochToMilliseconds(long value)
    {
        ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        return magnitude < 100_000_000_000UL ? value * 1000
            : magnitude < 100_000_000_000_000UL ? value
            : magnitude < 100_000_000_000_000_000UL ? FloorDiv(value, 1000)
            : FloorDiv(value, 1_000_000);
    }

    private static bool TryParseEpoch(ReadOnlySpan<byte> s, out long unixMs)
    {
        if (Utf8Number.TryParseInt64(s, out long whole))
        {
            unixMs = EpochToMilliseconds(whole);
            return unixMs is >= MinMs and <= MaxMs;
        }

        unixMs = 0;
        if (s.IndexOfAnyExcept("+-0123456789."u8) >= 0
            || !decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal v))
        {
            return false;
        }

        decimal abs = Math.Abs(v);
        decimal ms = Math.Floor(abs < 1e11m ? v * 1000m : abs < 1e14m ? v : abs < 1e17m ? v / 1000m : v / 1_000_000m);
        if (ms < MinMs || ms > MaxMs)
        {
            return false;
        }

        unixMs = (long)ms;
        return true;
    }

    private static long FloorDiv(long value, long divisor)
    {
        long q = value / divisor;
        return value % divisor < 0 ? q - 1 : q;
    }

    private static bool TryParseIso(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        int p = 0;
        if (!Digits(s, ref p, 4, out int year) || !Char(s, ref p, '-') || !Digits(s, ref p, 2, out int month)
            || !Char(s, ref p, '-') || !Digits(s, ref p, 2, out int day))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        long offsetMinutes = 0;
        if (p < s.Length)
        {
            if (s[p] is not ((byte)'T' or (byte)'t' or (byte)' '))
            {
                return false;
            }

            p++;
            if (!Digits(s, ref p, 2, out hour) || !Char(s, ref p, ':') || !Digits(s, ref p, 2, out minute))
            {
                return false;
            }

            if (p < s.Length && s[p] == (byte)':')
            {
                p++;
                if (!Digits(s, ref p, 2, out second))
                {
                    return false;
                }

                if (p < s.Length && s[p] is (byte)'.' or (byte)',')
                {
                    p++;
                    int digits = 0;
                    long scale = TimeSpan.TicksPerSecond;
                    while (p < s.Length && (uint)(s[p] - '0') <= 9)
                    {
                        scale /= 10;
                        fractionTicks += (s[p] - '0') * scale;
                        digits++;
                        p++;
                    }

                    if (digits == 0)
                    {
                        return false;
                    }
                }
            }

            if (hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }

            if (p < s.Length && !TryZone(s, ref p, out offsetMinutes))
            {
                return false;
            }
        }

        if (p != s.Length)
        {
            return false;
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks
            - (offsetMinutes * TimeSpan.TicksPerMinute) - DateTime.UnixEpoch.Ticks;
        unixMs = FloorDiv(ticks, TimeSpan.TicksPerMillisecond);
        return true;
    }

    private static bool TryZone(ReadOnlySpan<byte> s, ref int p, out long offsetMinutes)
    {
        offsetMinutes = 0;
        if (s[p] is (byte)'Z' or (byte)'z')
        {
            p++;
            return true;
        }

        if (s[p] is not ((byte)'+' or (byte)'-'))
        {
            return false;
        }

        int sign = s[p] == (byte)'-' ? -1 : 1;
        p++;
        if (!Digits(s, ref p, 2, out int hh))
        {
            return false;
        }

        int mm = 0;
        if (p < s.Length)
        {
            if (s[p] == (byte)':')
            {
                p++;
            }

            if (!Digits(s, ref p, 2, out mm))
            {
                return false;
            }
        }

        if (hh > 14 || mm > 59)
        {
            return false;
        }

        offsetMinutes = sign * ((hh * 60) + mm);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, ref int p, int count, out int value)
    {
        value = 0;
        if (p + count > s.Length)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            uint d = (uint)(s[p + i] - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        p += count;
        return true;
    }

    private static bool Char(ReadOnlySpan<byte> s, ref int p, char c)
    {
        if (p < s.Length && s[p] == (byte)c)
        {
            p++;
            return true;
        }

        return false;
    }
}
