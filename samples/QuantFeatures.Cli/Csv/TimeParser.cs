using System.Globalization;

namespace QuantFeatures.Cli.Csv;

/// <summary>
/// Parses the time values of bar files into Unix milliseconds (UTC), allocation-free.
/// </summary>
/// <remarks>
/// <para>Accepted: ISO-8601 <c>yyyy-MM-dd</c>, <c>yyyy-MM-ddTHH:mm</c>, <c>yyyy-MM-ddTHH:mm:ss</c> with optional
/// fractional seconds, a space instead of <c>T</c>, and an optional zone <c>Z</c>, <c>±HH:MM</c>, <c>±HHMM</c> or
/// <c>±HH</c> (no zone = UTC); or an epoch number whose unit is detected by magnitude: |v| &lt; 10¹¹ seconds,
/// &lt; 10¹⁴ milliseconds, &lt; 10¹⁷ microseconds, else nanoseconds (so seconds cover 1970–5138 and milliseconds
/// every date from March 1973).</para>
/// <para>Ambiguous forms such as <c>01/03/2017</c> (month or day first?) are rejected rather than guessed.</para>
/// </remarks>
public static class TimeParser
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string AcceptedForms =
        "expected ISO-8601 like 2025-03-06T11:00:00Z, 2017-01-03 or 2020-12-15 09:30, or epoch seconds, milliseconds or microseconds";

    private static readonly long MinMs = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long MaxMs = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Parses a time value.</summary>
    /// <param name="text">The field, already trimmed.</param>
    /// <param name="unixMs">The time in Unix milliseconds UTC (sub-millisecond parts are floored).</param>
    /// <returns>False when the text is not an accepted form.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out long unixMs)
    {
        unixMs = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        return IsEpoch(text) ? TryParseEpoch(text, out unixMs) : TryParseIso(text, out unixMs);
    }

    private static bool IsEpoch(ReadOnlySpan<char> text)
    {
        int i = text[0] == '-' ? 1 : 0;
        return i < text.Length && char.IsAsciiDigit(text[i]) && !text.ContainsAnyExcept("-0123456789.") && text.LastIndexOf('-') <= 0;
    }

    private static bool TryParseEpoch(ReadOnlySpan<char> text, out long unixMs)
    {
        unixMs = 0;
        if (!text.Contains('.') && text.Length <= 18)
        {
            // Integer fast path (the usual case): no decimal arithmetic. 18 digits cannot overflow a long.
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
            {
                return false;
            }

            long magnitude = Math.Abs(whole);
            long wholeMs = magnitude < 100_000_000_000L ? whole * 1000
                : magnitude < 100_000_000_000_000L ? whole
                : magnitude < 100_000_000_000_000_000L ? FloorDiv(whole, 1000)
                : FloorDiv(whole, 1_000_000);
            if (wholeMs < MinMs || wholeMs > MaxMs)
            {
                return false;
            }

            unixMs = wholeMs;
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal v))
        {
            return false;
        }

        decimal abs = Math.Abs(v);
        decimal ms = abs < 1e11m ? v * 1000m : abs < 1e14m ? v : abs < 1e17m ? v / 1000m : v / 1_000_000m;
        ms = Math.Floor(ms);
        if (ms < MinMs || ms > MaxMs)
        {
            return false;
        }

        unixMs = (long)ms;
        return true;
    }

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    private static bool TryParseIso(ReadOnlySpan<char> s, out long unixMs)
    {
        unixMs = 0;
        int p = 0;
        if (!Digits(s, ref p, 4, out int year) || !Char(s, ref p, '-') || !Digits(s, ref p, 2, out int month) || !Char(s, ref p, '-')
            || !Digits(s, ref p, 2, out int day))
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
            if (s[p] is not ('T' or 't' or ' '))
            {
                return false;
            }

            p++;
            if (!Digits(s, ref p, 2, out hour) || !Char(s, ref p, ':') || !Digits(s, ref p, 2, out minute))
            {
                return false;
            }

            if (p < s.Length && s[p] == ':')
            {
                p++;
                if (!Digits(s, ref p, 2, out second))
                {
                    return false;
                }

                if (p < s.Length && s[p] is '.' or ',')
                {
                    p++;
                    int digits = 0;
                    long scale = TimeSpan.TicksPerSecond;
                    while (p < s.Length && char.IsAsciiDigit(s[p]))
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
        unixMs = ticks / TimeSpan.TicksPerMillisecond;
        if (ticks % TimeSpan.TicksPerMillisecond < 0)
        {
            unixMs--;
        }

        return true;
    }

    private static bool TryZone(ReadOnlySpan<char> s, ref int p, out long offsetMinutes)
    {
        offsetMinutes = 0;
        if (s[p] is 'Z' or 'z')
        {
            p++;
            return true;
        }

        if (s[p] is not ('+' or '-'))
        {
            return false;
        }

        int sign = s[p] == '-' ? -1 : 1;
        p++;
        if (!Digits(s, ref p, 2, out int hh))
        {
            return false;
        }

        int mm = 0;
        if (p < s.Length)
        {
            if (s[p] == ':')
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

    private static bool Digits(ReadOnlySpan<char> s, ref int p, int count, out int value)
    {
        value = 0;
        if (p + count > s.Length)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            char c = s[p + i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        p += count;
        return true;
    }

    private static bool Char(ReadOnlySpan<char> s, ref int p, char c)
    {
        if (p < s.Length && s[p] == c)
        {
            p++;
            return true;
        }

        return false;
    }
}
