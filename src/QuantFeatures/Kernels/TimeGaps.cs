using System.Runtime.CompilerServices;
using QuantFeatures.Internal;
using QuantFeatures.Quality;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>
    /// Gap flag: <c>1</c> if <c>time_t − time_(t−1) &gt; 1.1 Δ</c> (at least one bar is missing before bar t), else <c>0</c>;
    /// <c>0</c> at t = 0.
    /// </summary>
    /// <param name="openTime">Bar open times, Unix milliseconds UTC, increasing.</param>
    /// <param name="timeframeMilliseconds">Bar length Δ in milliseconds (&gt; 0).</param>
    /// <param name="destination">Output 0 or 1.</param>
    /// <remarks>Exact integer test: <c>diff &gt; Δ + ⌊Δ / 10⌋</c>, equivalent to diff &gt; 1.1 Δ for integer
    /// milliseconds — the same rule as the <see cref="Quality.QualityCheck.Gaps"/> check of the validator. Lookback 0; never
    /// NaN. Equals <see cref="GapState.Update"/> bit for bit.</remarks>
    public static void GapDetected(ReadOnlySpan<long> openTime, long timeframeMilliseconds, Span<double> destination)
    {
        CheckTimeframe(timeframeMilliseconds);
        Guard.Destination(openTime.Length, destination.Length);
        if (openTime.IsEmpty)
        {
            return;
        }

        destination[0] = 0.0;
        long limit = GapState.Limit(timeframeMilliseconds);
        for (int i = 1; i < openTime.Length; i++)
        {
            destination[i] = openTime[i] - openTime[i - 1] > limit ? 1.0 : 0.0;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.GapDetected"/>.</summary>
public struct GapState
{
    private readonly long _limit;
    private long _previous;
    private bool _started;

    /// <summary>Creates the state for bars of <paramref name="timeframeMilliseconds"/> (Δ &gt; 0).</summary>
    public GapState(long timeframeMilliseconds)
    {
        if (timeframeMilliseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeframeMilliseconds), timeframeMilliseconds, "Parameter 'timeframeMilliseconds' must be > 0.");
        }

        _limit = Limit(timeframeMilliseconds);
        _previous = 0;
        _started = false;
    }

    /// <summary>Adds the next bar's open time and returns 1 if it follows the previous one by more than 1.1 Δ, else 0 (0 for the first bar).</summary>
    public double Update(long openTime)
    {
        double gap = _started && openTime - _previous > _limit ? 1.0 : 0.0;
        _previous = openTime;
        _started = true;
        return gap;
    }

    /// <summary>Δ + ⌊Δ/10⌋: for integer differences, diff &gt; this ⇔ diff &gt; 1.1 Δ (the quality validator's gap rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Limit(long timeframeMilliseconds) => QualityRules.GapLimit(timeframeMilliseconds);
}
