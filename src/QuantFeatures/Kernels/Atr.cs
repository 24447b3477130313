using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Atr"/> and <see cref="Natr"/>: <c>period</c> (TA-Lib).</summary>
    public static int AtrLookback(int period)
    {
        Guard.Period(period);
        return period;
    }

    /// <summary>
    /// Average true range, as TA-Lib <c>ATR</c>: TR_t = max(H − L, |H − C_(t−1)|, |L − C_(t−1)|) for t ≥ 1; the first
    /// ATR (at index <c>period</c>) is the mean of TR_1 … TR_period, then Wilder's smoothing
    /// ATR_t = (ATR_(t−1)·(period − 1) + TR_t) / period.
    /// </summary>
    /// <remarks>
    /// <para>Lookback <c>period</c>. The smoothing is evaluated as <c>fma(ATR, (period − 1)/period, TR/period)</c>
    /// (TA-Lib's formula to ~1e-15 relative, a 4-cycle dependency chain).</para>
    /// <para>NaN rule: a bar with a NaN high, low or close (or a NaN previous close) gives NaN and restarts the seeding:
    /// <c>period</c> further valid true ranges are averaged again.</para>
    /// </remarks>
    public static void Atr(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        CheckDestination(high.Length, destination);
        var state = new AtrState(period);
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = high.Length;
        int i = 0;
        while (i < n)
        {
            if (state.IsSeeded)
            {
                // Steady state on locals: exactly AtrState.Update on valid bars.
                double atr = state.Value, prevClose = state.PreviousClose, decay = state.Decay, weight = state.Weight;
                for (; i < n; i++)
                {
                    double hi = Unsafe.Add(ref h, i), lo = Unsafe.Add(ref l, i), cl = Unsafe.Add(ref c, i);
                    double tr = AtrState.TrueRange(hi, lo, prevClose);
                    if (double.IsNaN(tr) || double.IsNaN(cl))
                    {
                        break;
                    }

                    atr = AtrState.Step(atr, tr, decay, weight);
                    prevClose = cl;
                    Unsafe.Add(ref d, i) = atr;
                }

                state.Continue(atr, prevClose);
                if (i == n)
                {
                    break;
                }
            }

            Unsafe.Add(ref d, i) = state.Update(Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i));
            i++;
        }
    }

    /// <summary>Normalized ATR, as TA-Lib <c>NATR</c>: <c>(ATR / C) · 100</c> (0 when |C| &lt; 1e-14, as TA-Lib).</summary>
    /// <remarks>Lookback <c>period</c>; NaN rule as <see cref="Atr"/>.</remarks>
    public static void Natr(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Atr(high, low, close, period, destination);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = close.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // AtrState.Normalize lane-wise: 0 where |C| < 1e-14 and ATR is a number; NaN propagates through the division.
            var eps = Vector256.Create(TaLibEpsilon);
            var hundred = Vector256.Create(100.0);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var atr = Vector256.LoadUnsafe(ref d, (nuint)i);
                var cl = Vector256.LoadUnsafe(ref c, (nuint)i);
                var zero = Vector256.GreaterThan(cl, -eps) & Vector256.LessThan(cl, eps) & Vector256.Equals(atr, atr);
                Vector256.ConditionalSelect(zero, Vector256<double>.Zero, atr / cl * hundred).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = AtrState.Normalize(Unsafe.Add(ref d, i), Unsafe.Add(ref c, i));
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Atr"/> (TA-Lib seeding, Wilder smoothing, restart after NaN).</summary>
public struct AtrState
{
    private readonly int _period;
    private int _count;
    private double _seed;
    private double _atr;
    private double _previousClose;

    /// <summary>Creates the state for <paramref name="period"/> bars.</summary>
    public AtrState(int period)
    {
        Guard.Period(period);
        _period = period;
        Decay = (period - 1) / (double)period;
        Weight = 1.0 / period;
        _count = 0;
        _seed = 0;
        _atr = double.NaN;
        _previousClose = double.NaN;
    }

    internal readonly double Decay { get; }

    internal readonly double Weight { get; }

    internal readonly bool IsSeeded => _count >= _period;

    internal readonly double Value => _atr;

    internal readonly double PreviousClose => _previousClose;

    /// <summary>TR = max(H − L, |H − C_prev|, |L − C_prev|); NaN when any input is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TrueRange(double high, double low, double previousClose)
    {
        // Branch-free max (maxsd): the three terms are exact and non-negative, so the order of ties does not matter.
        double range = high - low;
        double up = Math.Abs(high - previousClose);
        double down = Math.Abs(low - previousClose);
        double tr = double.MaxNative(double.MaxNative(range, up), down);
        return double.IsNaN(range) || double.IsNaN(previousClose) ? double.NaN : tr;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Step(double atr, double trueRange, double decay, double weight) => Math.FusedMultiplyAdd(atr, decay, trueRange * weight);

    /// <summary>(ATR / C) · 100, 0 when C is zero in TA-Lib's sense (|C| &lt; 1e-14), as TA-Lib NATR; NaN when either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Normalize(double atr, double close) =>
        double.IsNaN(atr) || double.IsNaN(close) ? double.NaN : !Indicators.TaLibIsZero(close) ? atr / close * 100.0 : 0.0;

    internal void Continue(double atr, double previousClose)
    {
        _atr = atr;
        _previousClose = previousClose;
    }

    /// <summary>Adds the next bar and returns the ATR (NaN while seeding).</summary>
    public double Update(double high, double low, double close)
    {
        double tr = TrueRange(high, low, _previousClose);
        bool barValid = !double.IsNaN(high) && !double.IsNaN(low) && !double.IsNaN(close);
        double previous = _previousClose;
        _previousClose = barValid ? close : double.NaN;
        if (!barValid)
        {
            _count = 0;
            _seed = 0;
            _atr = double.NaN;
            return double.NaN;
        }

        if (double.IsNaN(previous))
        {
            // First bar, or first bar after a gap: no true range yet.
            return double.NaN;
        }

        if (_count >= _period)
        {
            _atr = Step(_atr, tr, Decay, Weight);
            return _atr;
        }

        _seed += tr;
        if (++_count < _period)
        {
            return double.NaN;
        }

        _atr = _seed / _period;
        return _atr;
    }
}
