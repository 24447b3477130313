using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of the ADX output of <see cref="Adx"/>: <c>2·period − 1</c> (TA-Lib ADX).</summary>
    public static int AdxLookback(int period)
    {
        Guard.Period(period, min: 2);
        return (2 * period) - 1;
    }

    /// <summary>Leading NaN count of the +DI / −DI outputs of <see cref="Adx"/>: <c>period</c> (TA-Lib PLUS_DI / MINUS_DI).</summary>
    public static int DirectionalIndicatorLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period;
    }

    /// <summary>
    /// Wilder's directional movement system, as TA-Lib <c>ADX</c>, <c>PLUS_DI</c> and <c>MINUS_DI</c>, in one pass.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Wilder period (≥ 2, as TA-Lib ADX).</param>
    /// <param name="adx">Output ADX.</param>
    /// <param name="plusDi">Output +DI.</param>
    /// <param name="minusDi">Output −DI.</param>
    /// <remarks>
    /// <para>With up = H_t − H_(t−1) and down = L_(t−1) − L_t: +DM = up when up &gt; 0 and up &gt; down, else 0; −DM = down
    /// when down &gt; 0 and down &gt; up, else 0; TR = max(H − L, |H − C_(t−1)|, |L − C_(t−1)|). As TA-Lib, +DM, −DM and TR
    /// are summed over bars 1 … period − 1, then smoothed from bar <c>period</c> on by S = S − S/period + x.
    /// +DI = 100·S(+DM)/S(TR) and −DI likewise (0 when S(TR) is zero in TA-Lib's sense, |x| &lt; 1e-14), from bar
    /// <c>period</c>. DX = 100·|+DI − −DI| / (+DI + −DI), undefined when S(TR) or +DI + −DI is zero. ADX at bar
    /// <c>2·period − 1</c> is the sum of the defined DX of bars period … 2·period − 1 divided by period, then
    /// ADX = (ADX·(period − 1) + DX) / period, unchanged on a bar whose DX is undefined (TA-Lib's rules).</para>
    /// <para>Lookbacks: <c>period</c> for ±DI, <c>2·period − 1</c> for ADX. The smoothing steps are evaluated as
    /// <c>fma(S, (period − 1)/period, x)</c> and <c>fma(ADX, (period − 1)/period, DX/period)</c>, and ±DI as
    /// S(±DM)·(100/S(TR)): TA-Lib's formulas to ~1e-15 relative with short dependency chains and 2 divisions per bar.</para>
    /// <para>NaN rule: a bar with a NaN high, low or close gives NaN in all outputs and restarts the system, as if TA-Lib
    /// were started on the data after it (the next valid bar is the new reference bar).</para>
    /// </remarks>
    public static void Adx(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int period,
        Span<double> adx, Span<double> plusDi, Span<double> minusDi)
    {
        Guard.Period(period, min: 2);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        CheckDestination(high.Length, adx);
        CheckDestination(high.Length, plusDi);
        CheckDestination(high.Length, minusDi);
        var state = new AdxState(period);
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double a = ref MemoryMarshal.GetReference(adx);
        ref double p = ref MemoryMarshal.GetReference(plusDi);
        ref double m = ref MemoryMarshal.GetReference(minusDi);
        int n = high.Length;
        int i = 0;
        while (i < n)
        {
            if (state.IsSeeded)
            {
                // Steady state on locals: exactly AdxState.Update on valid bars, until a NaN needs the restart logic.
                double prevHigh = state.PreviousHigh, prevLow = state.PreviousLow, prevClose = state.PreviousClose;
                double sPlus = state.PlusDm, sMinus = state.MinusDm, sTr = state.TrueRange, adxValue = state.Value;
                double decay = state.Decay, weight = state.Weight;
                for (; i < n; i++)
                {
                    double hi = Unsafe.Add(ref h, i), lo = Unsafe.Add(ref l, i), cl = Unsafe.Add(ref c, i);
                    if (double.IsNaN(hi + lo + cl))
                    {
                        break;
                    }

                    AdxState.Movement(hi, lo, prevHigh, prevLow, out double plusDm, out double minusDm);
                    double tr = AtrState.TrueRange(hi, lo, prevClose);
                    prevHigh = hi;
                    prevLow = lo;
                    prevClose = cl;
                    sPlus = AdxState.Smooth(sPlus, plusDm, decay);
                    sMinus = AdxState.Smooth(sMinus, minusDm, decay);
                    sTr = AdxState.Smooth(sTr, tr, decay);
                    bool defined = AdxState.DirectionalIndicators(sPlus, sMinus, sTr, out double pdi, out double mdi, out double dx);
                    adxValue = defined ? AdxState.SmoothAdx(adxValue, dx, decay, weight) : adxValue;
                    Unsafe.Add(ref p, i) = pdi;
                    Unsafe.Add(ref m, i) = mdi;
                    Unsafe.Add(ref a, i) = adxValue;
                }

                state.Continue(prevHigh, prevLow, prevClose, sPlus, sMinus, sTr, adxValue);
                if (i == n)
                {
                    break;
                }
            }

            state.Update(Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i));
            Unsafe.Add(ref a, i) = state.Adx;
            Unsafe.Add(ref p, i) = state.PlusDi;
            Unsafe.Add(ref m, i) = state.MinusDi;
            i++;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Adx"/>: ADX, +DI and −DI (TA-Lib seeding and special rules, restart after NaN).</summary>
public struct AdxState
{
    private readonly int _period;
    private int _count;
    private double _prevHigh;
    private double _prevLow;
    private double _prevClose;
    private double _plusDm;
    private double _minusDm;
    private double _tr;
    private double _dxSum;
    private double _adx;

    /// <summary>Creates the state for a Wilder period of <paramref name="period"/> bars (≥ 2).</summary>
    public AdxState(int period)
    {
        Guard.Period(period, min: 2);
        _period = period;
        Decay = (period - 1) / (double)period;
        Weight = 1.0 / period;
        Restart();
    }

    /// <summary>The state of a (re)start: no bar seen (the constructor's, and after a NaN). Inlined, so that
    /// <see cref="Update"/> makes no call on any path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Restart()
    {
        _count = -1;
        _prevHigh = _prevLow = _prevClose = double.NaN;
        _plusDm = _minusDm = _tr = _dxSum = 0;
        _adx = double.NaN;
        Adx = PlusDi = MinusDi = double.NaN;
    }

    /// <summary>The last ADX (NaN for the first <c>2·period − 1</c> bars after a (re)start).</summary>
    public double Adx { get; private set; }

    /// <summary>The last +DI (NaN for the first <c>period</c> bars after a (re)start).</summary>
    public double PlusDi { get; private set; }

    /// <summary>The last −DI (NaN for the first <c>period</c> bars after a (re)start).</summary>
    public double MinusDi { get; private set; }

    internal readonly double Decay { get; }

    internal readonly double Weight { get; }

    /// <summary>Whether ADX is seeded (the next valid bar produces all three outputs).</summary>
    internal readonly bool IsSeeded => _count >= (2 * _period) - 1;

    internal readonly double PreviousHigh => _prevHigh;

    internal readonly double PreviousLow => _prevLow;

    internal readonly double PreviousClose => _prevClose;

    internal readonly double PlusDm => _plusDm;

    internal readonly double MinusDm => _minusDm;

    internal readonly double TrueRange => _tr;

    internal readonly double Value => _adx;

    /// <summary>TA-Lib's directional movement: +DM = up if up &gt; 0 and up &gt; down; −DM = down if down &gt; 0 and down &gt; up (branch-free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Movement(double high, double low, double previousHigh, double previousLow, out double plusDm, out double minusDm)
    {
        var up = Vector128.CreateScalarUnsafe(high - previousHigh);
        var down = Vector128.CreateScalarUnsafe(previousLow - low);
        var zero = Vector128<double>.Zero;
        plusDm = (up & Vector128.GreaterThan(up, zero) & Vector128.GreaterThan(up, down)).ToScalar();
        minusDm = (down & Vector128.GreaterThan(down, zero) & Vector128.GreaterThan(down, up)).ToScalar();
    }

    /// <summary>Wilder's running sum S − S/p + x, evaluated as <c>fma(S, (p − 1)/p, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Smooth(double sum, double value, double decay) => Math.FusedMultiplyAdd(sum, decay, value);

    /// <summary>(ADX·(p − 1) + DX)/p, evaluated as <c>fma(ADX, (p − 1)/p, DX/p)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SmoothAdx(double adx, double dx, double decay, double weight) => Math.FusedMultiplyAdd(adx, decay, dx * weight);

    /// <summary>±DI from the smoothed sums (0 when S(TR) is zero in TA-Lib's sense) and DX; returns whether DX is defined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool DirectionalIndicators(double plusDm, double minusDm, double trueRange, out double plusDi, out double minusDi, out double dx)
    {
        if (QuantFeatures.Kernels.Indicators.TaLibIsZero(trueRange))
        {
            plusDi = 0;
            minusDi = 0;
            dx = 0;
            return false;
        }

        double scale = 100.0 / trueRange;
        plusDi = plusDm * scale;
        minusDi = minusDm * scale;
        double sum = minusDi + plusDi;
        dx = 100.0 * (Math.Abs(minusDi - plusDi) / sum);
        return !QuantFeatures.Kernels.Indicators.TaLibIsZero(sum);
    }

    internal void Continue(double prevHigh, double prevLow, double prevClose, double plusDm, double minusDm, double trueRange, double adx)
    {
        _prevHigh = prevHigh;
        _prevLow = prevLow;
        _prevClose = prevClose;
        _plusDm = plusDm;
        _minusDm = minusDm;
        _tr = trueRange;
        _adx = adx;
        DirectionalIndicators(plusDm, minusDm, trueRange, out double pdi, out double mdi, out _);
        PlusDi = pdi;
        MinusDi = mdi;
        Adx = adx;
    }

    /// <summary>Adds the next bar; returns whether ADX is defined (±DI become defined <c>period − 1</c> bars earlier).</summary>
    public bool Update(double high, double low, double close)
    {
        if (double.IsNaN(high) || double.IsNaN(low) || double.IsNaN(close))
        {
            Restart();
            return false;
        }

        if (_count < 0)
        {
            // The reference bar (first bar, or first bar after a NaN).
            _prevHigh = high;
            _prevLow = low;
            _prevClose = close;
            _count = 0;
            return false;
        }

        Movement(high, low, _prevHigh, _prevLow, out double plusDm, out double minusDm);
        double tr = AtrState.TrueRange(high, low, _prevClose);
        _prevHigh = high;
        _prevLow = low;
        _prevClose = close;
        int seedEnd = (2 * _period) - 1;
        int k = _count + 1;
        if (k <= seedEnd)
        {
            _count = k;
        }

        if (k < _period)
        {
            // Bars 1 … period − 1: plain sums.
            _plusDm += plusDm;
            _minusDm += minusDm;
            _tr += tr;
            return false;
        }

        _plusDm = Smooth(_plusDm, plusDm, Decay);
        _minusDm = Smooth(_minusDm, minusDm, Decay);
        _tr = Smooth(_tr, tr, Decay);
        bool defined = DirectionalIndicators(_plusDm, _minusDm, _tr, out double pdi, out double mdi, out double dx);
        PlusDi = pdi;
        MinusDi = mdi;
        if (k < seedEnd)
        {
            _dxSum += defined ? dx : 0.0;
            return false;
        }

        if (k == seedEnd)
        {
            _dxSum += defined ? dx : 0.0;
            _adx = _dxSum / _period;
        }
        else if (defined)
        {
            _adx = SmoothAdx(_adx, dx, Decay, Weight);
        }

        Adx = _adx;
        return true;
    }
}
