using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double d = ref MemoryMarshal.GetReference(destination);
        var rented = Scratch.Rent(period);
        try
        {
            ref double buffer = ref MemoryMarshal.GetArrayDataReference(rented);
            int n = high.Length;
            int pos = 0;
            int run = 0;
            double p = period;
            for (int i = 0; i < n; i++)
            {
                double tp = CciState.TypicalPrice(Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i));
                if (double.IsNaN(tp))
                {
                    pos = 0;
                    run = 0;
                    Unsafe.Add(ref d, i) = double.NaN;
                    continue;
                }

                Unsafe.Add(ref buffer, pos) = tp;
                pos = ++pos == period ? 0 : pos;
                if (run < period - 1)
                {
                    run++;
                    Unsafe.Add(ref d, i) = double.NaN;
                    continue;
                }

                Unsafe.Add(ref d, i) = CciState.Value(ref buffer, period, p, tp);
            }
        }
        finally
        {
            Scratch.Return(rented);
        }
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

        double distance = last - average;
        return distance != 0.0 && deviation != 0.0 ? distance / (0.015 * (deviation / periodAsDouble)) : 0.0;
    }

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
