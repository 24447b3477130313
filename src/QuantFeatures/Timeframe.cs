using System.Globalization;

namespace QuantFeatures;

/// <summary>
/// The bar length Δ of a <see cref="MarketFrame"/>: a positive whole number of milliseconds.
/// </summary>
/// <remarks>
/// Text form: a positive integer followed by a unit, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or <c>w</c>
/// (e.g. <c>1m</c>, <c>15m</c>, <c>4h</c>, <c>1d</c>). Months are not a fixed length and are not supported.
/// </remarks>
public readonly record struct Timeframe : IComparable<Timeframe>
{
    private const long MillisecondsPerYear = 365L * 86_400_000L;

    /// <summary>Creates a timeframe of the given length.</summary>
    /// <param name="milliseconds">Bar length in milliseconds; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="milliseconds"/> ≤ 0.</exception>
    public Timeframe(long milliseconds)
    {
        if (milliseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "A timeframe must be a positive number of milliseconds.");
        }

        Milliseconds = milliseconds;
    }

    /// <summary>Bar length in milliseconds.</summary>
    public long Milliseconds { get; }

    /// <summary>Bar length as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan Duration => TimeSpan.FromMilliseconds(Milliseconds);

    /// <summary>Periods per year for a market that trades around the clock: 365 × 86,400 s / Δ.</summary>
    public double PeriodsPerYear => (double)MillisecondsPerYear / Milliseconds;

    /// <summary>One minute.</summary>
    public static Timeframe OneMinute => new(60_000);

    /// <summary>One hour.</summary>
    public static Timeframe OneHour => new(3_600_000);

    /// <summary>One day.</summary>
    public static Timeframe OneDay => new(86_400_000);

    /// <summary>Creates a timeframe from a <see cref="TimeSpan"/>.</summary>
    /// <param name="duration">A positive duration of whole milliseconds.</param>
    public static Timeframe FromTimeSpan(TimeSpan duration) => new((long)duration.TotalMilliseconds);

    /// <summary>
    /// Converts a wall-clock horizon into a whole number of bars of this timeframe.
    /// </summary>
    /// <param name="horizon">The horizon, e.g. 24 hours.</param>
    /// <param name="bars">Horizon / Δ when it is a positive whole number.</param>
    /// <returns><see langword="true"/> when the horizon is a positive whole multiple of Δ.</returns>
    public bool TryGetBars(TimeSpan horizon, out int bars)
    {
        long ms = (long)horizon.TotalMilliseconds;
        if (ms <= 0 || ms % Milliseconds != 0 || ms / Milliseconds > int.MaxValue)
        {
            bars = 0;
            return false;
        }

        bars = (int)(ms / Milliseconds);
        return true;
    }

    /// <summary>Parses the text form (<c>1m</c>, <c>4h</c>, <c>1d</c> …).</summary>
    /// <exception cref="FormatException">The text is not a valid timeframe; the message quotes it.</exception>
    public static Timeframe Parse(string text)
    {
        if (TryParse(text, out var tf))
        {
            return tf;
        }

        throw new FormatException($"Invalid timeframe '{text}': expected a positive integer followed by s, m, h, d or w (e.g. 1m, 15m, 1h, 4h, 1d).");
    }

    /// <summary>Tries to parse the text form (<c>1m</c>, <c>4h</c>, <c>1d</c> …).</summary>
    public static bool TryParse(string? text, out Timeframe timeframe)
    {
        timeframe = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        text = text.Trim();
        long unit = text[^1] switch
        {
            's' => 1_000L,
            'm' => 60_000L,
            'h' => 3_600_000L,
            'd' => 86_400_000L,
            'w' => 7 * 86_400_000L,
            _ => 0L,
        };
        if (unit == 0 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count <= 0)
        {
            return false;
        }

        timeframe = new Timeframe(checked(count * unit));
        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(Timeframe other) => Milliseconds.CompareTo(other.Milliseconds);

    /// <summary>The shortest text form: <c>1h</c> rather than <c>60m</c>.</summary>
    public override string ToString()
    {
        long ms = Milliseconds;
        (long unit, string suffix)[] units = [(7 * 86_400_000L, "w"), (86_400_000L, "d"), (3_600_000L, "h"), (60_000L, "m"), (1_000L, "s")];
        foreach (var (unit, suffix) in units)
        {
            if (ms % unit == 0)
            {
                return (ms / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
