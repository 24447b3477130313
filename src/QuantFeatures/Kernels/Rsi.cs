using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>TA-Lib's <c>TA_EPSILON</c>: TA-Lib treats a denominator with |x| &lt; 1e-14 as zero (<c>TA_IS_ZERO</c>).</summary>
    internal const double TaLibEpsilon = 1e-14;

    /// <summary>TA-Lib's <c>TA_IS_ZERO(x)</c>: −1e-14 &lt; x &lt; 1e-14 (false for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TaLibIsZero(double value) => value > -TaLibEpsilon && value < TaLibEpsilon;

    /// <summary>Leading NaN count of <see cref="Rsi"/>: <c>period</c> (TA-Lib's RSI lookback, unstable period 0).</summary>
    public static int RsiLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period;
    }

    /// <summary>
    /// Relative strength index, as TA-Lib <c>RSI</c> (Wilder): over the first <paramref name="period"/> changes
    /// d_t = x_t − x_(t−1) the average gain G and loss L are simple means; then G = (G·(period − 1) + max(d, 0)) / period,
    /// L likewise with max(−d, 0); RSI = 100 · G / (G + L).
    /// </summary>
    /// <param name="source">Input series (usually the close).</param>
    /// <param name="period">Wilder period (≥ 2, as TA-Lib).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>
    /// <para>Lookback <c>period</c>: the first value, at index <c>period</c>, uses the first <c>period</c> changes.</para>
    /// <para>Special value (TA-Lib): RSI = 0 when G + L is zero in TA-Lib's sense (|G + L| &lt; 1e-14), e.g. a flat series.</para>
    /// <para>The smoothing is evaluated as <c>fma(G, (period − 1)/period, gain/period)</c>: TA-Lib's formula to ~1e-15
    /// relative with a 4-cycle dependency chain instead of TA-Lib's multiply-add-divide chain.</para>
    /// <para>NaN rule: a NaN input gives NaN and restarts the seeding, as if TA-Lib were started on the data after it:
    /// the next value is the new reference, and the output returns <c>period</c> changes later.</para>
    /// </remarks>
    public static void Rsi(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckDestination(source.Length, destination);
        var state = new RsiState(period);
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            if (state.IsSeeded)
            {
                // Steady state on locals: exactly RsiState.Update on valid values, until a NaN needs the seeding logic.
                double gain = state.Gain, loss = state.Loss, previous = state.Previous;
                double decay = state.Decay, weight = state.Weight;
                for (; i < n; i++)
                {
                    double x = Unsafe.Add(ref src, i);
                    if (double.IsNaN(x))
                    {
                        break;
                    }

                    double d = x - previous;
                    previous = x;
                    gain = RsiState.Smooth(gain, double.MaxNative(d, 0.0), decay, weight);
                    loss = RsiState.Smooth(loss, double.MaxNative(-d, 0.0), decay, weight);
                    Unsafe.Add(ref dst, i) = RsiState.Output(gain, loss);
                }

                state.Continue(gain, loss, previous);
                if (i == n)
                {
                    break;
                }
            }

            Unsafe.Add(ref dst, i) = state.Update(Unsafe.Add(ref src, i));
            i++;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Rsi"/> (TA-Lib seeding, Wilder smoothing, restart after NaN).</summary>
public struct RsiState
{
    private readonly int _period;
    private int _count;
    private double _previous;
    private double _gain;
    private double _loss;

    /// <summary>Creates the state for a Wilder period of <paramref name="period"/> changes (≥ 2).</summary>
    public RsiState(int period)
    {
        Guard.Period(period, min: 2);
        _period = period;
        Decay = (period - 1) / (double)period;
        Weight = 1.0 / period;
        _count = 0;
        _previous = double.NaN;
        _gain = 0;
        _loss = 0;
        Value = double.NaN;
    }

    /// <summary>The last output (NaN while seeding).</summary>
    public double Value { get; private set; }

    internal readonly double Decay { get; }

    internal readonly double Weight { get; }

    internal readonly bool IsSeeded => _count >= _period;

    internal readonly double Gain => _gain;

    internal readonly double Loss => _loss;

    internal readonly double Previous => _previous;

    /// <summary>Wilder's step shared by the state and the batch kernel: <c>fma(avg, (p − 1)/p, move/p)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Smooth(double average, double move, double decay, double weight) =>
        Math.FusedMultiplyAdd(average, decay, move * weight);

    /// <summary>TA-Lib's output: <c>100 · (G / (G + L))</c>, 0 when G + L is zero in TA-Lib's sense.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Output(double gain, double loss)
    {
        double sum = gain + loss;
        return Indicators.TaLibIsZero(sum) ? 0.0 : 100.0 * (gain / sum);
    }

    internal void Continue(double gain, double loss, double previous)
    {
        _gain = gain;
        _loss = loss;
        _previous = previous;
        Value = Output(gain, loss);
    }

    /// <summary>Adds the next value and returns the RSI (NaN while seeding or when <paramref name="value"/> is NaN).</summary>
    public double Update(double value)
    {
        if (double.IsNaN(value))
        {
            _count = 0;
            _previous = double.NaN;
            _gain = 0;
            _loss = 0;
            Value = double.NaN;
            return double.NaN;
        }

        if (double.IsNaN(_previous))
        {
            // First value, or first value after a NaN: the reference for the first change.
            _previous = value;
            return double.NaN;
        }

        double d = value - _previous;
        _previous = value;
        double up = double.MaxNative(d, 0.0);
        double down = double.MaxNative(-d, 0.0);
        if (_count >= _period)
        {
            _gain = Smooth(_gain, up, Decay, Weight);
            _loss = Smooth(_loss, down, Decay, Weight);
            Value = Output(_gain, _loss);
            return Value;
        }

        // Seeding: TA-Lib sums the first `period` gains and losses, then divides once.
        _gain += up;
        _loss += down;
        if (++_count < _period)
        {
            return double.NaN;
        }

        _gain /= _period;
        _loss /= _period;
        Value = Output(_gain, _loss);
        return Value;
    }
}
