using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of the calendar encodings and <see cref="GapDetected"/>: 0.</summary>
    public static int CalendarLookback() => 0;

    /// <summary>
    /// Cyclical time-of-day encoding of each bar's decision time τ = open time + Δ (UTC):
    /// <c>sin</c> and <c>cos</c> of <c>2π · (seconds since 00:00 UTC of τ) / 86,400</c>.
    /// </summary>
    /// <param name="openTime">Bar open times, Unix milliseconds UTC.</param>
    /// <param name="timeframeMilliseconds">Bar length Δ in milliseconds (&gt; 0).</param>
    /// <param name="sin">Output sine, or empty to skip.</param>
    /// <param name="cos">Output cosine, or empty to skip.</param>
    /// <remarks>Continuous (milliseconds count, not only whole hours), so sub-hour bars get distinct values. The decision
    /// time is when the bar's features are known: a 1h bar opened 13:00 encodes 14:00. Lookback 0; never NaN.
    /// Equals <see cref="CalendarEncodingState.Update"/> bit for bit.</remarks>
    public static void HourOfDayEncoding(ReadOnlySpan<long> openTime, long timeframeMilliseconds, Span<double> sin, Span<double> cos) =>
        Encode(openTime, timeframeMilliseconds, sin, cos, dayOfWeek: false);

    /// <summary>
    /// Cyclical day-of-week encoding of each bar's decision time τ = open time + Δ (UTC): <c>sin</c> and <c>cos</c> of
    /// <c>2π · (days since Monday 00:00 UTC, fraction included) / 7</c>.
    /// </summary>
    /// <param name="openTime">Bar open times, Unix milliseconds UTC.</param>
    /// <param name="timeframeMilliseconds">Bar length Δ in milliseconds (&gt; 0).</param>
    /// <param name="sin">Output sine, or empty to skip.</param>
    /// <param name="cos">Output cosine, or empty to skip.</param>
    /// <remarks>Monday 00:00 is angle 0, Sunday 12:00 is angle 2π · 6.5 / 7. A daily bar opened Monday 00:00 is decided at
    /// Tuesday 00:00 and encodes one day. Lookback 0; never NaN. Equals <see cref="CalendarEncodingState.Update"/> bit for bit.</remarks>
    public static void DayOfWeekEncoding(ReadOnlySpan<long> openTime, long timeframeMilliseconds, Span<double> sin, Span<double> cos) =>
        Encode(openTime, timeframeMilliseconds, sin, cos, dayOfWeek: true);

    private static void Encode(ReadOnlySpan<long> openTime, long timeframeMilliseconds, Span<double> sin, Span<double> cos, bool dayOfWeek)
    {
        CheckTimeframe(timeframeMilliseconds);
        bool wantSin = !sin.IsEmpty, wantCos = !cos.IsEmpty;
        if (wantSin)
        {
            Guard.Destination(openTime.Length, sin.Length, nameof(sin));
        }

        if (wantCos)
        {
            Guard.Destination(openTime.Length, cos.Length, nameof(cos));
        }

        // A bar exactly one period (a day or a week) after bar i − m has the same phase, hence the same sin and cos: copy
        // them instead of evaluating SinCos (bit-identical, since the angle is computed from the same phase). m = period / Δ
        // when Δ divides the period; a bar off that grid (after a gap, or irregular times) is evaluated.
        long period = dayOfWeek ? CalendarEncodingState.WeekMilliseconds : CalendarEncodingState.DayMilliseconds;
        int m = period % timeframeMilliseconds == 0 && period / timeframeMilliseconds <= openTime.Length ? (int)(period / timeframeMilliseconds) : int.MaxValue;
        for (int i = 0; i < openTime.Length; i++)
        {
            if (i >= m && openTime[i] - openTime[i - m] == period)
            {
                if (wantSin)
                {
                    sin[i] = sin[i - m];
                }

                if (wantCos)
                {
                    cos[i] = cos[i - m];
                }

                continue;
            }

            long decision = openTime[i] + timeframeMilliseconds;
            var (s, c) = Math.SinCos(dayOfWeek ? CalendarEncodingState.WeekAngle(decision) : CalendarEncodingState.DayAngle(decision));
            if (wantSin)
            {
                sin[i] = s;
            }

            if (wantCos)
            {
                cos[i] = c;
            }
        }
    }

    private static void CheckTimeframe(long timeframeMilliseconds)
    {
        if (timeframeMilliseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeframeMilliseconds), timeframeMilliseconds, "Parameter 'timeframeMilliseconds' must be > 0.");
        }
    }
}

/// <summary>Bar-by-bar step of <see cref="Indicators.HourOfDayEncoding"/> and <see cref="Indicators.DayOfWeekEncoding"/>.</summary>
public struct CalendarEncodingState
{
    internal const long DayMilliseconds = 86_400_000;
    internal const long WeekMilliseconds = 7 * DayMilliseconds;
    private const long DayMs = DayMilliseconds;
    private const long WeekMs = WeekMilliseconds;

    /// <summary>1970-01-05T00:00Z, the first Monday after the Unix epoch (a Thursday), in ms.</summary>
    private const long FirstMondayMs = 4 * DayMs;

    private const double DayScale = 2 * Math.PI / DayMs;
    private const double WeekScale = 2 * Math.PI / WeekMs;
    private readonly long _timeframe;

    /// <summary>Creates the step for bars of <paramref name="timeframeMilliseconds"/> (Δ &gt; 0).</summary>
    public CalendarEncodingState(long timeframeMilliseconds)
    {
        if (timeframeMilliseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeframeMilliseconds), timeframeMilliseconds, "Parameter 'timeframeMilliseconds' must be > 0.");
        }

        _timeframe = timeframeMilliseconds;
    }

    /// <summary>sin of the time-of-day angle of the last bar's decision time.</summary>
    public double HourSin { get; private set; }

    /// <summary>cos of the time-of-day angle.</summary>
    public double HourCos { get; private set; }

    /// <summary>sin of the day-of-week angle.</summary>
    public double DaySin { get; private set; }

    /// <summary>cos of the day-of-week angle.</summary>
    public double DayCos { get; private set; }

    /// <summary>Encodes the bar opened at <paramref name="openTime"/> (Unix ms UTC).</summary>
    public void Update(long openTime)
    {
        long decision = openTime + _timeframe;
        (HourSin, HourCos) = Math.SinCos(DayAngle(decision));
        (DaySin, DayCos) = Math.SinCos(WeekAngle(decision));
    }

    /// <summary>2π · (ms since 00:00 UTC) / 86,400,000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double DayAngle(long unixMs)
    {
        long ms = unixMs % DayMs;
        return (ms < 0 ? ms + DayMs : ms) * DayScale;
    }

    /// <summary>2π · (ms since Monday 00:00 UTC) / (7 · 86,400,000).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double WeekAngle(long unixMs)
    {
        long ms = (unixMs - FirstMondayMs) % WeekMs;
        return (ms < 0 ? ms + WeekMs : ms) * WeekScale;
    }
}
