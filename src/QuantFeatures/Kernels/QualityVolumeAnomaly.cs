using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="VolumeAnomaly"/>: 0 (zero volume is flagged from the first bar).</summary>
    public static int VolumeAnomalyLookback() => 0;

    /// <summary>
    /// Volume anomaly flag: <c>1</c> if V = 0 or the rolling z-score of V over <paramref name="period"/> bars exceeds
    /// <paramref name="threshold"/>, else <c>0</c>; NaN when V is NaN.
    /// </summary>
    /// <param name="volume">Volume.</param>
    /// <param name="period">z-score window (20 in the catalogue; sample std, as <see cref="RollingZScore"/>).</param>
    /// <param name="threshold">z-score above which a bar is anomalous (finite; 5 in the catalogue).</param>
    /// <param name="destination">Output 0, 1 or NaN.</param>
    /// <remarks>
    /// <para>Lookback 0: while the z-score is undefined (the first period − 1 bars, a NaN in its window, or a flat window)
    /// only zero volume is flagged. Negative volume is not a zero volume: it is left to the z-score (and the quality
    /// validator).</para>
    /// <para>The window includes the current bar, and one value among n has a sample z-score of at most (n − 1)/√n
    /// (4.25 for n = 20): a threshold at or above that bound can never fire, which is the case of the catalogue's
    /// period 20 and threshold 5.</para>
    /// <para>Equals <see cref="VolumeAnomalyState.Update"/> bit for bit (the z-score is <see cref="RollingZScore"/>,
    /// whose moments equal <see cref="RollingMomentsState"/>).</para>
    /// </remarks>
    public static void VolumeAnomaly(ReadOnlySpan<double> volume, int period, double threshold, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(threshold, nameof(threshold));
        CheckDestination(volume.Length, destination);
        RollingZScore(volume, period, destination);
        VolumeAnomalyFrom(volume, destination[..volume.Length], threshold, destination);
    }

    /// <summary>The flag from a precomputed z-score column (<paramref name="destination"/> may alias it).</summary>
    internal static void VolumeAnomalyFrom(ReadOnlySpan<double> volume, ReadOnlySpan<double> zScore, double threshold, Span<double> destination)
    {
        for (int i = 0; i < volume.Length; i++)
        {
            destination[i] = VolumeAnomalyState.Flag(volume[i], zScore[i], threshold);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.VolumeAnomaly"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct VolumeAnomalyState
{
    private RollingMomentsState _moments;
    private readonly double _threshold;

    /// <summary>Creates the state (catalogue: period 20, threshold 5).</summary>
    public VolumeAnomalyState(int period, double threshold)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(threshold, nameof(threshold));
        _moments = new RollingMomentsState(period, 1);
        _threshold = threshold;
    }

    /// <summary>Adds the next volume and returns 1 (zero volume or z-score above the threshold), 0, or NaN (NaN volume).</summary>
    public double Update(double volume)
    {
        _moments.Update(volume);
        double sd = Math.Sqrt(_moments.Variance);
        double z = sd > 0 ? (volume - _moments.Mean) / sd : double.NaN;
        return Flag(volume, z, _threshold);
    }

    /// <summary>NaN if V is NaN; 1 if V = 0 or z &gt; threshold; else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Flag(double volume, double zScore, double threshold) =>
        double.IsNaN(volume) ? double.NaN : volume == 0 || zScore > threshold ? 1.0 : 0.0;
}
