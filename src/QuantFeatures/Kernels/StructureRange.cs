using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// <para>The extremes are exact (a branchless van Herk / Gil–Werman pass, the same values as <see cref="RollingMax"/> /
    /// <see cref="RollingMin"/>), so this equals looping <see cref="RangePositionState.Update"/> bit for bit.</para>
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

        var suffixHigh = Scratch.Rent(n);
        var suffixLow = Scratch.Rent(n);
        try
        {
            var writer = new RangeWriter(close, distanceToHigh, distanceToLow, rsv);
            WindowExtremes(high, low, period, suffixHigh.AsSpan(0, n), suffixLow.AsSpan(0, n), ref writer);
        }
        finally
        {
            Scratch.Return(suffixHigh);
            Scratch.Return(suffixLow);
        }
    }

    /// <summary>
    /// Rolling max of <paramref name="high"/> and min of <paramref name="low"/> over <paramref name="period"/> bars, handed
    /// to <paramref name="sink"/> bar by bar: NaN while the window holds a NaN of that input, else exactly the value of
    /// <see cref="RollingExtremumState"/> (a zero extreme is handed as +0).
    /// </summary>
    /// <remarks>
    /// Van Herk / Gil–Werman: with blocks of <c>period</c> bars, the window ending at t is the tail of one block
    /// (suffix extreme, precomputed backwards into the scratch columns) and the head of the next (prefix extreme,
    /// running forwards), so each bar costs three branchless max/min operations whatever the data (the rescanning
    /// method mispredicts on random data). NaN windows are masked by the index of the last NaN, so the native
    /// max/min never decides a NaN case. Maxima are exact: the result equals the state's whatever the method.
    /// </remarks>
    internal static void WindowExtremes<TSink>(ReadOnlySpan<double> high, ReadOnlySpan<double> low, int period, Span<double> suffixHigh,
        Span<double> suffixLow, scoped ref TSink sink)
        where TSink : struct, IExtremesSink, allows ref struct
    {
        int n = high.Length;
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double sh = ref MemoryMarshal.GetReference(suffixHigh);
        ref double sl = ref MemoryMarshal.GetReference(suffixLow);
        for (int blockEnd = n; blockEnd > 0;)
        {
            int blockStart = (blockEnd - 1) / period * period;
            double mh = Unsafe.Add(ref h, blockEnd - 1), ml = Unsafe.Add(ref l, blockEnd - 1);
            Unsafe.Add(ref sh, blockEnd - 1) = mh;
            Unsafe.Add(ref sl, blockEnd - 1) = ml;
            for (int i = blockEnd - 2; i >= blockStart; i--)
            {
                mh = double.MaxNative(Unsafe.Add(ref h, i), mh);
                ml = double.MinNative(Unsafe.Add(ref l, i), ml);
                Unsafe.Add(ref sh, i) = mh;
                Unsafe.Add(ref sl, i) = ml;
            }

            blockEnd = blockStart;
        }

        int lastNanHigh = int.MinValue / 2, lastNanLow = int.MinValue / 2;
        double ph = 0, pl = 0;
        int pos = period - 1; // t mod period, advanced before use
        for (int t = 0; t < n; t++)
        {
            double x = Unsafe.Add(ref h, t), y = Unsafe.Add(ref l, t);
            pos = pos == period - 1 ? 0 : pos + 1;
            ph = pos == 0 ? x : double.MaxNative(ph, x);
            pl = pos == 0 ? y : double.MinNative(pl, y);
            lastNanHigh = double.IsNaN(x) ? t : lastNanHigh;
            lastNanLow = double.IsNaN(y) ? t : lastNanLow;
            int j = t - period + 1;
            if (j < 0)
            {
                sink.Write(t, double.NaN, double.NaN);
                continue;
            }

            // pos = period − 1: the window is exactly the current block, its prefix extreme.
            bool whole = pos == period - 1;
            double windowHigh = whole ? ph : double.MaxNative(Unsafe.Add(ref sh, j), ph);
            double windowLow = whole ? pl : double.MinNative(Unsafe.Add(ref sl, j), pl);
            sink.Write(t, t - lastNanHigh >= period ? windowHigh + 0.0 : double.NaN, t - lastNanLow >= period ? windowLow + 0.0 : double.NaN);
        }
    }
}

/// <summary>Receives the window extremes of <see cref="Indicators.WindowExtremes{TSink}"/> bar by bar.</summary>
internal interface IExtremesSink
{
    void Write(int t, double maxHigh, double minLow);
}

/// <summary>Writes the three range-position outputs (each optional).</summary>
internal readonly ref struct RangeWriter(ReadOnlySpan<double> close, Span<double> distanceToHigh, Span<double> distanceToLow, Span<double> rsv)
    : IExtremesSink
{
    private readonly ReadOnlySpan<double> _close = close;
    private readonly Span<double> _high = distanceToHigh;
    private readonly Span<double> _low = distanceToLow;
    private readonly Span<double> _rsv = rsv;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(int t, double maxHigh, double minLow)
    {
        double c = Unsafe.Add(ref MemoryMarshal.GetReference(_close), t);
        if (!_high.IsEmpty)
        {
            Unsafe.Add(ref MemoryMarshal.GetReference(_high), t) = Ratio.Change(maxHigh, c);
        }

        if (!_low.IsEmpty)
        {
            Unsafe.Add(ref MemoryMarshal.GetReference(_low), t) = Ratio.Change(minLow, c);
        }

        if (!_rsv.IsEmpty)
        {
            Unsafe.Add(ref MemoryMarshal.GetReference(_rsv), t) = RangePositionState.RsvOf(maxHigh, minLow, c);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.RangePosition"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct RangePositionState
{
    private WindowExtremum<Indicators.MaxOrder> _max;
    private WindowExtremum<Indicators.MinOrder> _min;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 1).</summary>
    public RangePositionState(int period)
    {
        Guard.Period(period);
        _max = new WindowExtremum<Indicators.MaxOrder>(period);
        _min = new WindowExtremum<Indicators.MinOrder>(period);
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
        // + 0.0 turns a −0 extreme into +0, as the batch does.
        double h = _max.Update(high) + 0.0, l = _min.Update(low) + 0.0;
        DistanceToHigh = Ratio.Change(h, close);
        DistanceToLow = Ratio.Change(l, close);
        Rsv = RsvOf(h, l, close);
    }

    /// <summary>(C − L) / (H − L), NaN when H = L, the quotient is not finite, or any input is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double RsvOf(double maxHigh, double minLow, double close) => Ratio.Divide(close - minLow, maxHigh - minLow);
}
