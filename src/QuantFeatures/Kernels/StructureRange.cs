using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RangePosition"/>: <c>period − 1</c>.</summary>
    public static int RangePositionLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>
    /// Position of the close in the high-low range of the last <paramref name="period"/> bars:
    /// <c>maxH / C − 1</c>, <c>minL / C − 1</c> and <c>RSV = (C − minL) / (maxH − minL)</c>.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Window length in bars (≥ 1), the current bar included.</param>
    /// <param name="distanceToHigh">Output <c>max(H, period) / C − 1</c> (≥ 0 on consistent bars), or empty to skip.</param>
    /// <param name="distanceToLow">Output <c>min(L, period) / C − 1</c> (≤ 0 on consistent bars), or empty to skip.</param>
    /// <param name="rsv">Output raw stochastic value in [0, 1] on consistent bars, or empty to skip.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>. NaN while the window holds a NaN high or low, when C is NaN, when C = 0 (the
    /// distances), or when maxH = minL (RSV on a flat range: 0/0). No ε is added (Qlib's RSV adds 1e-12).</para>
    /// <para>The extremes come from <see cref="RollingMax"/> / <see cref="RollingMin"/> (exact), so this equals looping
    /// <see cref="RangePositionState.Update"/> bit for bit.</para>
    /// </remarks>
    public static void RangePosition(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period,
        Span<double> distanceToHigh, Span<double> distanceToLow, Span<double> rsv)
    {
        Guard.Period(period);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        int n = high.Length;
        foreach (var d in (ReadOnlySpan<int>)[distanceToHigh.Length, distanceToLow.Length, rsv.Length])
        {
            if (d != 0)
            {
                Guard.Destination(n, d);
            }
        }

        var maxHigh = Scratch.Rent(n);
        var minLow = Scratch.Rent(n);
        try
        {
            RollingMax(high, period, maxHigh.AsSpan(0, n));
            RollingMin(low, period, minLow.AsSpan(0, n));
            bool wantHigh = !distanceToHigh.IsEmpty, wantLow = !distanceToLow.IsEmpty, wantRsv = !rsv.IsEmpty;
            for (int i = 0; i < n; i++)
            {
                double h = maxHigh[i], l = minLow[i], c = close[i];
                if (wantHigh)
                {
                    distanceToHigh[i] = Ratio.Change(h, c);
                }

                if (wantLow)
                {
                    distanceToLow[i] = Ratio.Change(l, c);
                }

                if (wantRsv)
                {
                    rsv[i] = RangePositionState.RsvOf(h, l, c);
                }
            }
        }
        finally
        {
            Scratch.Return(maxHigh);
            Scratch.Return(minLow);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.RangePosition"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct RangePositionState
{
    private RollingExtremumState _max;
    private RollingExtremumState _min;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 1).</summary>
    public RangePositionState(int period)
    {
        Guard.Period(period);
        _max = new RollingExtremumState(period, max: true);
        _min = new RollingExtremumState(period, max: false);
        DistanceToHigh = DistanceToLow = Rsv = double.NaN;
    }

    /// <summary><c>max(H, period) / C − 1</c> after the last update.</summary>
    public double DistanceToHigh { get; private set; }

    /// <summary><c>min(L, period) / C − 1</c> after the last update.</summary>
    public double DistanceToLow { get; private set; }

    /// <summary><c>(C − minL) / (maxH − minL)</c> after the last update.</summary>
    public double Rsv { get; private set; }

    /// <summary>Adds the next bar and updates the three outputs (NaN until <c>period</c> bars or while a NaN is in the window).</summary>
    public void Update(double high, double low, double close)
    {
        double h = _max.Update(high), l = _min.Update(low);
        DistanceToHigh = Ratio.Change(h, close);
        DistanceToLow = Ratio.Change(l, close);
        Rsv = RsvOf(h, l, close);
    }

    /// <summary>(C − L) / (H − L), NaN when H = L, the quotient is not finite, or any input is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double RsvOf(double maxHigh, double minLow, double close) => Ratio.Divide(close - minLow, maxHigh - minLow);
}
