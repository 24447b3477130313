using System.Globalization;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>
/// Parses invariant-culture numbers from UTF-8 bytes without allocating.
/// </summary>
/// <remarks>
/// Fast path (the usual Binance cell such as <c>95505.40</c> or <c>0.00012345</c>): an optional sign, at most 19
/// digits with an optional decimal point and no exponent, whose digits form an integer m ≤ 2⁵³ with k ≤ 22 decimals.
/// Then m and 10^k are both exact doubles and the IEEE division m / 10^k is correctly rounded, so the result is
/// bit-identical to <see cref="double.Parse(string, IFormatProvider)"/> (Clinger's fast path). Everything else
/// (exponents, longer mantissas, <c>NaN</c>, <c>Infinity</c>) goes to the runtime's UTF-8 parser.
/// </remarks>
internal static class Utf8Number
{
    private const ulong MaxExactMantissa = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <summary>Parses a decimal number; an empty field is NaN (a missing value).</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        if (s.IsEmpty)
        {
            value = double.NaN;
            return true;
        }

        int i = 0;
        bool negative = false;
        if (s[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }
        else if (s[0] == (byte)'+')
        {
            i = 1;
        }

        ulong mantissa = 0;
        int digits = 0;
        int decimals = 0;
        bool point = false;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - (byte)'0');
            if (d <= 9)
            {
                if (++digits > 19)
                {
                    return Slow(s, out value);
                }

                mantissa = (mantissa * 10) + d;
                if (point)
                {
                    decimals++;
                }
            }
            else if (s[i] == (byte)'.' && !point)
            {
                point = true;
            }
            else
            {
                return Slow(s, out value);
            }
        }

        if (digits == 0 || mantissa > MaxExactMantissa || decimals > 22)
        {
            return Slow(s, out value);
        }

        double v = mantissa;
        if (decimals > 0)
        {
            v /= PowersOfTen[decimals];
        }

        value = negative ? -v : v;
        return true;
    }

    /// <summary>Parses a signed integer of at most 18 digits (no decimal point).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (!s.IsEmpty && (s[0] == (byte)'-' || s[0] == (byte)'+'))
        {
            negative = s[0] == (byte)'-';
            i = 1;
        }

        int digits = s.Length - i;
        if (digits is 0 or > 18)
        {
            return false;
        }

        long v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - (byte)'0');
            if (d > 9)
            {
                return false;
            }

            v = (v * 10) + d;
        }

        value = negative ? -v : v;
        return true;
    }

    private static bool Slow(ReadOnlySpan<byte> s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
