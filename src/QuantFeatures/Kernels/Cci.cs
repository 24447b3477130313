using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Cci"/>: <c>period − 1</c> (TA-Lib CCI).</summary>
    public static int CciLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period - 1;
    }

    /// <summary>
    /// Commodity channel index, as TA-Lib <c>CCI</c>: with TP = (H + L + C) / 3, mean = mean(TP) and
    /// MD = mean(|TP − mean|) over the last <paramref name="period"/> bars, CCI = (TP − mean) / (0.015 · MD).
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Window length (≥ 2, as TA-Lib).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>. Special value (TA-Lib): 0 when TP − mean = 0 or MD = 0.</para>
    /// <para>Arithmetic: TA-Lib's, including its summation order (TA-Lib sums its circular buffer from slot 0, not in
    /// time order), so the values are bit-identical to TA-Lib on clean data. TP − mean cancels where CCI crosses 0,
    /// so any other order would differ from TA-Lib by more than 1e-9 relative there. Caveat inherited from TA-Lib: on a
    /// perfectly flat window the rounded mean can differ from TP by one unit in the last place, and TA-Lib then
    /// returns ±66.67 (= ±1/0.015) instead of 0; this kernel returns the same.</para>
    /// <para>NaN rule: NaN while the window holds a NaN; when it leaves, the circular buffer restarts from the window,
    /// exactly as TA-Lib started on the data after the NaN.</para>
    /// </remarks>
    public static void Cci(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        CheckDestination(high.Length, destination);
        int n = high.Length;
        var rented = Scratch.Rent(n);
        try
        {
            ref double tp = ref MemoryMarshal.GetArrayDataReference(rented);
            for (int i = 0; i < n; i++)
            {
                Unsafe.Add(ref tp, i) = CciState.TypicalPrice(high[i], low[i], close[i]);
            }

            CciLoop(ref tp, n, period, ref MemoryMarshal.GetReference(destination));
        }
        finally
        {
            Scratch.Return(rented);
        }
    }

    /// <summary>
    /// CCI over a typical-price array. A bar's window is summed in TA-Lib's circular-buffer order: slot j holds the bar b
    /// with (b − origin) mod period = j, origin = the first bar after the last NaN; with s the slot of bar t that order is
    /// t − s … t, then t − period + 1 … t − s − 1. Where four consecutive bars t … t + 3 have slots s … s + 3 in one cycle,
    /// they are computed together, one bar per vector lane, each lane adding the same values in the same order as the
    /// scalar path (so the results are identical to <see cref="CciState"/>).
    /// </summary>
    private static void CciLoop(ref double tp, int n, int period, ref double d)
    {
        double p = period;
        int origin = 0;
        int slot = 0;
        int i = 0;
        while (i < n)
        {
            double x = Unsafe.Add(ref tp, i);
            if (double.IsNaN(x))
            {
                Unsafe.Add(ref d, i) = double.NaN;
                origin = i + 1;
                slot = 0;
                i++;
                continue;
            }

            if (i - origin < period - 1)
            {
                Unsafe.Add(ref d, i) = double.NaN;
            }
            else if (Vector256.IsHardwareAccelerated && (slot & 3) == 0 && slot + 3 < period && i + 3 < n
                && !double.IsNaN(Unsafe.Add(ref tp, i + 1) + Unsafe.Add(ref tp, i + 2) + Unsafe.Add(ref tp, i + 3)))
            {
                int lanes = 4;
                if (slot + 7 < period && i + 7 < n && !double.IsNaN(
                    Unsafe.Add(ref tp, i + 4) + Unsafe.Add(ref tp, i + 5) + Unsafe.Add(ref tp, i + 6) + Unsafe.Add(ref tp, i + 7)))
                {
                    CciBlock2(ref tp, i, slot, period, p, ref d);
                    lanes = 8;
                }
                else
                {
                    CciBlock(ref tp, i, slot, period, p).StoreUnsafe(ref d, (nuint)i);
                }

                i += lanes;
                slot += lanes;
                slot = slot == period ? 0 : slot;
                continue;
            }
            else
            {
                Unsafe.Add(ref d, i) = CciAt(ref tp, i, slot, period, p);
            }

            slot = slot + 1 == period ? 0 : slot + 1;
            i++;
        }
    }

    /// <summary>The CCI of bar <paramref name="t"/> whose slot is <paramref name="s"/>, summing in slot order (scalar).</summary>
    private static double CciAt(ref double tp, int t, int s, int period, double p)
    {
        double sum = 0;
        for (int b = t - s; b <= t; b++)
        {
            sum += Unsafe.Add(ref tp, b);
        }

        for (int b = t - period + 1; b < t - s; b++)
        {
            sum += Unsafe.Add(ref tp, b);
        }

        double average = sum / p;
        double deviation = 0;
        for (int b = t - s; b <= t; b++)
        {
            deviation += Math.Abs(Unsafe.Add(ref tp, b) - average);
        }

        for (int b = t - period + 1; b < t - s; b++)
        {
            deviation += Math.Abs(Unsafe.Add(ref tp, b) - average);
        }

        return CciState.Finish(Unsafe.Add(ref tp, t) - average, deviation, p);
    }

    /// <summary>
    /// The CCI of bars t … t + 3 (slots s … s + 3, s + 3 &lt; period), lane l = bar t + l. With A = t − s (the bar in slot 0),
    /// position j of the slot order is bar A + j for j ≤ s + l and bar A + j − period after it.
    /// </summary>
    private static Vector256<double> CciBlock(ref double tp, int t, int s, int period, double p)
    {
        ref double a = ref Unsafe.Add(ref tp, t - s);
        ref double wrapped = ref Unsafe.Add(ref a, -period);
        var sum = Vector256<double>.Zero;
        for (int j = 0; j < period; j++)
        {
            sum += CciSlot(ref a, ref wrapped, j, s);
        }

        var average = sum / Vector256.Create(p);
        var deviation = Vector256<double>.Zero;
        for (int j = 0; j < period; j++)
        {
            deviation += Vector256.Abs(CciSlot(ref a, ref wrapped, j, s) - average);
        }

        return CciFinish(Vector256.LoadUnsafe(ref tp, (nuint)t) - average, deviation, p);
    }

    /// <summary>Two <see cref="CciBlock"/>s at once (bars t … t + 7, slots s … s + 7 &lt; period): two independent chains per step.</summary>
    private static void CciBlock2(ref double tp, int t, int s, int period, double p, ref double destination)
    {
        ref double a = ref Unsafe.Add(ref tp, t - s);
        ref double wrapped = ref Unsafe.Add(ref a, -period);
        var sum0 = Vector256<double>.Zero;
        var sum1 = Vector256<double>.Zero;
        for (int j = 0; j < period; j++)
        {
            sum0 += CciSlot(ref a, ref wrapped, j, s);
            sum1 += CciSlot(ref a, ref wrapped, j, s + 4);
        }

        var average0 = sum0 / Vector256.Create(p);
        var average1 = sum1 / Vector256.Create(p);
        var deviation0 = Vector256<double>.Zero;
        var deviation1 = Vector256<double>.Zero;
        for (int j = 0; j < period; j++)
        {
            deviation0 += Vector256.Abs(CciSlot(ref a, ref wrapped, j, s) - average0);
            deviation1 += Vector256.Abs(CciSlot(ref a, ref wrapped, j, s + 4) - average1);
        }

        CciFinish(Vector256.LoadUnsafe(ref tp, (nuint)t) - average0, deviation0, p).StoreUnsafe(ref destination, (nuint)t);
        CciFinish(Vector256.LoadUnsafe(ref tp, (nuint)(t + 4)) - average1, deviation1, p).StoreUnsafe(ref destination, (nuint)(t + 4));
    }

    /// <summary>Position <paramref name="j"/> of the slot order for the lanes whose first slot is <paramref name="first"/>:
    /// lane l takes bar A + j when j ≤ first + l, else bar A + j − period.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CciSlot(ref double a, ref double wrapped, int j, int first)
    {
        int k = j - first;
        if (k <= 0)
        {
            return Vector256.Create(Unsafe.Add(ref a, j));
        }

        if (k >= 4)
        {
            return Vector256.Create(Unsafe.Add(ref wrapped, j));
        }

        var lanesAtLeastK = Vector256.GreaterThanOrEqual(Vector256.Create(0.0, 1.0, 2.0, 3.0), Vector256.Create((double)k));
        return Vector256.ConditionalSelect(lanesAtLeastK, Vector256.Create(Unsafe.Add(ref a, j)), Vector256.Create(Unsafe.Add(ref wrapped, j)));
    }

    /// <summary><see cref="CciState.Finish"/> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CciFinish(Vector256<double> distance, Vector256<double> deviation, double p)
    {
        var zero = Vector256<double>.Zero;
        var value = distance / (Vector256.Create(0.015) * (deviation / Vector256.Create(p)));
        var defined = ~(Vector256.Equals(distance, zero) | Vector256.Equals(deviation, zero));
        return Vector256.ConditionalSelect(defined, value, zero);
    }
}

/// <summary>Incremental state of <see cref="Indicators.Cci"/> (TA-Lib's circular buffer and arithmetic, restart after NaN).</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct CciState
{
    private readonly double[] _buffer;
    private readonly int _period;
    private int _pos;
    private int _run;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 2).</summary>
    public CciState(int period)
    {
        Guard.Period(period, min: 2);
        _buffer = new double[period];
        _period = period;
        _pos = 0;
        _run = 0;
    }

    /// <summary>TA-Lib's typical price <c>(H + L + C) / 3</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double TypicalPrice(double high, double low, double close) => (high + low + close) / 3;

    /// <summary>TA-Lib's CCI of a full buffer whose newest value is <paramref name="last"/>: sums in slot order 0 … period − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Value(ref double buffer, int period, double periodAsDouble, double last)
    {
        double sum = 0;
        for (int j = 0; j < period; j++)
        {
            sum += Unsafe.Add(ref buffer, j);
        }

        double average = sum / periodAsDouble;
        double deviation = 0;
        for (int j = 0; j < period; j++)
        {
            deviation += Math.Abs(Unsafe.Add(ref buffer, j) - average);
        }

        return Finish(last - average, deviation, periodAsDouble);
    }

    /// <summary>TA-Lib's last step: <c>(TP − mean) / (0.015 · (Σ|TP − mean| / period))</c>, 0 when either part is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Finish(double distance, double deviation, double period) =>
        distance != 0.0 && deviation != 0.0 ? distance / (0.015 * (deviation / period)) : 0.0;

    /// <summary>Adds the next bar and returns the CCI (NaN until the window is full or while it holds a NaN).</summary>
    public double Update(double high, double low, double close)
    {
        double tp = TypicalPrice(high, low, close);
        if (double.IsNaN(tp))
        {
            _pos = 0;
            _run = 0;
            return double.NaN;
        }

        _buffer[_pos] = tp;
        _pos = _pos + 1 == _period ? 0 : _pos + 1;
        if (_run < _period - 1)
        {
            _run++;
            return double.NaN;
        }

        return Value(ref MemoryMarshal.GetArrayDataReference(_buffer), _period, _period, tp);
    }
}
