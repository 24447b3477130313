using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="MarketStructure"/>: <c>2 · pivotWidth</c> (a pivot is confirmed pivotWidth bars after it).</summary>
    public static int MarketStructureLookback(int pivotWidth)
    {
        Guard.Period(pivotWidth, nameof(pivotWidth));
        return 2 * pivotWidth;
    }

    /// <summary>
    /// Market structure from swing pivots: <c>+1</c> when the last two confirmed pivot highs AND the last two confirmed
    /// pivot lows are both rising (higher highs and higher lows), <c>−1</c> when both are falling, else <c>0</c>.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="pivotWidth">k: bars on each side of a pivot (3 in the catalogue).</param>
    /// <param name="destination">Output −1, 0, +1 or NaN.</param>
    /// <remarks>
    /// <para>A pivot high at bar j: H_j is the STRICT maximum of H over j − k … j + k (ties are not pivots); a pivot low:
    /// L_j is the strict minimum of L there. It is known only at bar j + k, so the value at t uses pivots j ≤ t − k:
    /// no look-ahead. Comparisons of consecutive pivots are strict too: equal highs or lows give 0.</para>
    /// <para>Lookback <c>2k</c>. The output is 0 (not NaN) until two pivots of each kind have been confirmed.</para>
    /// <para>NaN rule (a recursive feature): a NaN high or low gives NaN and restarts the feature as on a fresh series:
    /// the pivots seen so far are forgotten, the output is NaN for the next 2k bars and then 0 until two new pivots of
    /// each kind exist. Bit-identical to looping <see cref="MarketStructureState.Update"/>.</para>
    /// </remarks>
    public static void MarketStructure(ReadOnlySpan<double> high, ReadOnlySpan<double> low, int pivotWidth, Span<double> destination)
    {
        Guard.Period(pivotWidth, nameof(pivotWidth));
        Guard.SameLength(high.Length, low.Length, nameof(low));
        CheckDestination(high.Length, destination);
        int span = 2 * pivotWidth + 1;
        var pivots = new SwingPivots();
        int valid = 0;
        for (int t = 0; t < high.Length; t++)
        {
            double h = high[t], l = low[t];
            if (double.IsNaN(h) || double.IsNaN(l))
            {
                valid = 0;
                pivots = new SwingPivots();
                destination[t] = double.NaN;
                continue;
            }

            valid = Math.Min(valid + 1, span);
            if (valid < span)
            {
                destination[t] = double.NaN;
                continue;
            }

            int start = t - span + 1;
            destination[t] = pivots.Update(ref Unsafe.Add(ref MemoryMarshal.GetReference(high), start),
                ref Unsafe.Add(ref MemoryMarshal.GetReference(low), start), pivotWidth);
        }
    }
}

/// <summary>The last two confirmed pivot highs and lows, and the pivot test shared by the kernel and the state.</summary>
internal struct SwingPivots
{
    private double _high1;
    private double _high2;
    private double _low1;
    private double _low2;
    private int _highs;
    private int _lows;

    /// <summary>Tests the centre of a NaN-free window of 2k + 1 bars (starting at <paramref name="high"/> and
    /// <paramref name="low"/>) for pivots, then returns the structure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Update(ref double high, ref double low, int k)
    {
        if (IsStrictMaximum(ref high, k))
        {
            (_high1, _high2) = (_high2, Unsafe.Add(ref high, k));
            _highs = Math.Min(_highs + 1, 2);
        }

        if (IsStrictMinimum(ref low, k))
        {
            (_low1, _low2) = (_low2, Unsafe.Add(ref low, k));
            _lows = Math.Min(_lows + 1, 2);
        }

        if (_highs < 2 || _lows < 2)
        {
            return 0.0;
        }

        int up = _high2 > _high1 && _low2 > _low1 ? 1 : 0;
        int down = _high2 < _high1 && _low2 < _low1 ? 1 : 0;
        return up - down;
    }

    /// <summary>w[k] &gt; every other value of the NaN-free window w[0 … 2k] (native max: branch-free, most bars are not pivots).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsStrictMaximum(ref double w, int k)
    {
        double others = w;
        for (int i = 1; i < k; i++)
        {
            others = double.MaxNative(others, Unsafe.Add(ref w, i));
        }

        for (int i = k + 1; i <= 2 * k; i++)
        {
            others = double.MaxNative(others, Unsafe.Add(ref w, i));
        }

        return Unsafe.Add(ref w, k) > others;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsStrictMinimum(ref double w, int k)
    {
        double others = w;
        for (int i = 1; i < k; i++)
        {
            others = double.MinNative(others, Unsafe.Add(ref w, i));
        }

        for (int i = k + 1; i <= 2 * k; i++)
        {
            others = double.MinNative(others, Unsafe.Add(ref w, i));
        }

        return Unsafe.Add(ref w, k) < others;
    }
}

/// <summary>Incremental state of <see cref="Indicators.MarketStructure"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct MarketStructureState
{
    private MirrorRing _high;
    private MirrorRing _low;
    private SwingPivots _pivots;
    private readonly int _k;
    private int _valid;

    /// <summary>Creates the state with <paramref name="pivotWidth"/> bars on each side of a pivot (≥ 1).</summary>
    public MarketStructureState(int pivotWidth)
    {
        Guard.Period(pivotWidth, nameof(pivotWidth));
        _k = pivotWidth;
        _high = new MirrorRing(2 * pivotWidth + 1);
        _low = new MirrorRing(2 * pivotWidth + 1);
        _pivots = new SwingPivots();
        _valid = 0;
    }

    /// <summary>Adds the next bar and returns −1, 0, +1, or NaN (a NaN bar, or fewer than 2k + 1 bars since the start or the last NaN).</summary>
    public double Update(double high, double low)
    {
        if (double.IsNaN(high) || double.IsNaN(low))
        {
            _valid = 0;
            _pivots = new SwingPivots();
            return double.NaN;
        }

        _high.Push(high);
        _low.Push(low);
        int span = 2 * _k + 1;
        _valid = Math.Min(_valid + 1, span);
        if (_valid < span)
        {
            return double.NaN;
        }

        return _pivots.Update(ref MemoryMarshal.GetReference(_high.Last(span)), ref MemoryMarshal.GetReference(_low.Last(span)), _k);
    }
}
