using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="VolumeAnomaly"/>: 0 (zero volume is flagged from the first bar).</summary>
    public static int VolumeAnomalyLookback() => 0;

    /// <summary>
    /// Volume anomaly flag: <c>1</c> if V = 0 or the z-score of V against the PRECEDING <paramref name="period"/> bars
    /// exceeds <paramref name="threshold"/>, else <c>0</c>; NaN when V is NaN.
    /// </summary>
    /// <param name="volume">Volume.</param>
    /// <param name="period">z-score window (20 in the catalogue; sample std, as <see cref="RollingZScore"/>).</param>
    /// <param name="threshold">z-score above which a bar is anomalous (finite; 5 in the catalogue).</param>
    /// <param name="destination">Output 0, 1 or NaN.</param>
    /// <remarks>
    /// <para>z_t = (V_t − mean(V_(t−period) … V_(t−1))) / std(same window), sample std. The preceding window is used
    /// because a window that includes the bar caps any z-score at (n − 1)/√n (4.25 for n = 20), so "z &gt; 5" could
    /// never fire: a spike is measured against the volume before it.</para>
    /// <para>Lookback 0: while the z-score is undefined (the first <c>period</c> bars, a NaN in the preceding window,
    /// or a flat one) only zero volume is flagged. Negative volume is not zero volume: it is left to the z-score (and
    /// the quality validator).</para>
    /// <para>Equals <see cref="VolumeAnomalyState.Update"/> bit for bit (both use the moments of
    /// <see cref="RollingMomentsState"/>).</para>
    /// </remarks>
    public static void VolumeAnomaly(ReadOnlySpan<double> volume, int period, double threshold, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        Guard.Finite(threshold, nameof(threshold));
        CheckDestination(volume.Length, destination);
        var mean = Scratch.Rent(volume.Length);
        var variance = Scratch.Rent(volume.Length);
        try
        {
            RollingMoments(volume, period, 1, mean.AsSpan(0, volume.Length), variance.AsSpan(0, volume.Length));
            for (int i = 0; i < volume.Length; i++)
            {
                double z = i > 0 ? VolumeAnomalyState.PriorZ(volume[i], mean[i - 1], variance[i - 1]) : double.NaN;
                destination[i] = VolumeAnomalyState.Flag(volume[i], z, threshold);
            }
        }
        finally
        {
            Scratch.Return(mean);
            Scratch.Return(variance);
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
        // The z-score against the PRECEDING window: the moments as they stood after the previous bar.
        double z = PriorZ(volume, _moments.Mean, _moments.Variance);
        _moments.Update(volume);
        return Flag(volume, z, _threshold);
    }

    /// <summary>(V − mean) / √variance of the preceding window; NaN when undefined or the variance is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double PriorZ(double volume, double mean, double variance)
    {
        double sd = Math.Sqrt(variance);
        return sd > 0 ? (volume - mean) / sd : double.NaN;
    }

    /// <summary>NaN if V is NaN; 1 if V = 0 or z &gt; threshold; else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Flag(double volume, double zScore, double threshold) =>
        double.IsNaN(volume) ? double.NaN : volume == 0 || zScore > threshold ? 1.0 : 0.0;
}
