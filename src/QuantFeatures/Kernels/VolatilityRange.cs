using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="ParkinsonVolatility"/>, <see cref="GarmanKlassVolatility"/> and
    /// <see cref="RogersSatchellVolatility"/>: <c>period − 1</c>.</summary>
    public static int RangeVolatilityLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>Leading NaN count of <see cref="YangZhangVolatility"/>: <c>period</c> (the overnight return needs the previous close).</summary>
    public static int YangZhangVolatilityLookback(int period)
    {
        Guard.Period(period, min: 2);
        return period;
    }

    /// <summary>
    /// Parkinson high-low volatility per bar: <c>√( mean(ln(H/L)², period) / (4 ln 2) )</c>.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Per bar, not annualized (multiply by √P to annualize). Lookback <c>period − 1</c>.</para>
    /// <para>NaN: a bar whose ln(H/L) is undefined (NaN, zero or negative price) makes every window holding it NaN.
    /// A window of bars with H = L gives exactly 0.</para>
    /// <para>Numerics: the window sum of the terms slides (<c>sum += in − out</c>) and is recomputed exactly every
    /// 8 windows (64 … 1,024 bars); bit-identical to looping <see cref="ParkinsonVolatilityState.Update"/>.</para>
    /// </remarks>
    public static void ParkinsonVolatility(ReadOnlySpan<double> high, ReadOnlySpan<double> low, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        CheckDestination(high.Length, destination);
        int n = high.Length;
        var lnHighLow = Scratch.Rent(n);
        try
        {
            LogRatio(high, low, lnHighLow.AsSpan(0, n));
            ParkinsonFromLogs(lnHighLow.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(lnHighLow);
        }
    }

    /// <summary>
    /// Garman–Klass volatility per bar: <c>√( mean(½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)², period) )</c>.
    /// </summary>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Per bar, not annualized. Lookback <c>period − 1</c>. On consistent bars (L ≤ O, C ≤ H) every term is ≥ 0;
    /// inconsistent bars can make the mean negative, and a negative mean is floored at 0 before the square root
    /// (the estimate is then 0, never NaN).</para>
    /// <para>NaN: a bar with an undefined log ratio makes every window holding it NaN. Numerics as
    /// <see cref="ParkinsonVolatility"/>; bit-identical to looping <see cref="GarmanKlassVolatilityState.Update"/>.</para>
    /// </remarks>
    public static void GarmanKlassVolatility(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low,
        ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckOhlc(open, high, low, close, destination);
        int n = open.Length;
        var lnHighLow = Scratch.Rent(n);
        var lnCloseOpen = Scratch.Rent(n);
        try
        {
            LogRatio(high, low, lnHighLow.AsSpan(0, n));
            LogRatio(close, open, lnCloseOpen.AsSpan(0, n));
            GarmanKlassFromLogs(lnHighLow.AsSpan(0, n), lnCloseOpen.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(lnHighLow);
            Scratch.Return(lnCloseOpen);
        }
    }

    /// <summary>
    /// Rogers–Satchell volatility per bar: <c>√( mean(ln(H/C) ln(H/O) + ln(L/C) ln(L/O), period) )</c>.
    /// </summary>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Per bar, not annualized. Lookback <c>period − 1</c>. The term is evaluated from x = ln(H/O), y = ln(L/O),
    /// c = ln(C/O) as <c>(x − c)·x + (y − c)·y</c> (ln(H/C) = x − c, ln(L/C) = y − c): three logarithms per bar.</para>
    /// <para>On consistent bars every term is ≥ 0; inconsistent bars (H &lt; max(O, C) or L &gt; min(O, C)) can make
    /// the mean negative, and a negative mean is floored at 0 before the square root (estimate 0, never NaN).</para>
    /// <para>NaN: a bar with an undefined log ratio makes every window holding it NaN. Numerics as
    /// <see cref="ParkinsonVolatility"/>; bit-identical to looping <see cref="RogersSatchellVolatilityState.Update"/>.</para>
    /// </remarks>
    public static void RogersSatchellVolatility(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low,
        ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckOhlc(open, high, low, close, destination);
        int n = open.Length;
        var x = Scratch.Rent(n);
        var y = Scratch.Rent(n);
        var c = Scratch.Rent(n);
        try
        {
            LogRatio(high, open, x.AsSpan(0, n));
            LogRatio(low, open, y.AsSpan(0, n));
            LogRatio(close, open, c.AsSpan(0, n));
            RogersSatchellMean(x.AsSpan(0, n), y.AsSpan(0, n), c.AsSpan(0, n), period, destination);
            FloorSqrt(destination[..n]);
        }
        finally
        {
            Scratch.Return(x);
            Scratch.Return(y);
            Scratch.Return(c);
        }
    }

    /// <summary>
    /// Yang–Zhang volatility per bar: <c>√( σ²_o + k σ²_c + (1 − k) σ²_RS )</c> over <paramref name="period"/> bars, with
    /// o_t = ln(O_t / C_(t−1)) (overnight), c_t = ln(C_t / O_t) (open to close), σ²_o and σ²_c their sample variances
    /// (n − 1), σ²_RS the mean Rogers–Satchell term, and k = 0.34 / (1.34 + (N + 1) / (N − 1)).
    /// </summary>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Window length N in bars (≥ 2).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>The standard form (Yang &amp; Zhang 2000). Per bar, not annualized. Lookback <c>period</c>: all three
    /// components use bars t − N + 1 … t, and the first overnight return needs the close before it. A negative total
    /// (possible only through inconsistent bars) is floored at 0 before the square root.</para>
    /// <para>NaN: NaN while bars t − N … t hold an undefined log ratio. The two variances are sliding Welford updates
    /// in one fused pass (as <see cref="RollingMoments"/>: exact 0 on flat windows, exact recomputation every 8 windows,
    /// no drift) and the RS mean is the window sum of <see cref="RogersSatchellVolatility"/>; bit-identical to looping
    /// <see cref="YangZhangVolatilityState.Update"/>.</para>
    /// </remarks>
    public static void YangZhangVolatility(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low,
        ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckOhlc(open, high, low, close, destination);
        int n = open.Length;
        var x = Scratch.Rent(n);
        var y = Scratch.Rent(n);
        var c = Scratch.Rent(n);
        var o = Scratch.Rent(n);
        try
        {
            LogRatio(high, open, x.AsSpan(0, n));
            LogRatio(low, open, y.AsSpan(0, n));
            LogRatio(close, open, c.AsSpan(0, n));
            LogRatioToPrevious(open, close, o.AsSpan(0, n));
            RogersSatchellMean(x.AsSpan(0, n), y.AsSpan(0, n), c.AsSpan(0, n), period, destination);
            destination[..n].CopyTo(y);
            YangZhangFromLogs(o.AsSpan(0, n), c.AsSpan(0, n), y.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(x);
            Scratch.Return(y);
            Scratch.Return(c);
            Scratch.Return(o);
        }
    }

    /// <summary><c>destination[t] = ln(a[t] / b[t])</c>, NaN unless the ratio is finite and positive; four bars at a time
    /// with the lane form of the library's logarithm, bit-identical to <see cref="LogRatios.Log(double, double)"/>.</summary>
    internal static void LogRatio(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination) =>
        LogRatios.Batch(a, b, destination);

    /// <summary><c>destination[t] = ln(a[t] / b[t − 1])</c> (NaN at t = 0), e.g. the overnight return ln(O_t / C_(t−1)).</summary>
    internal static void LogRatioToPrevious(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
    {
        if (a.Length == 0)
        {
            return;
        }

        destination[0] = double.NaN;
        LogRatios.Batch(a[1..], b[..^1], destination[1..]);
    }

    /// <summary>Parkinson volatility from ln(H/L) (the catalogue shares that column).</summary>
    internal static void ParkinsonFromLogs(ReadOnlySpan<double> lnHighLow, int period, Span<double> destination)
    {
        var series = new ParkinsonSeries(lnHighLow, RangeTerms.ParkinsonFactor(period));
        RollingTermSum(ref series, lnHighLow.Length, period, destination);
    }

    /// <summary>Garman–Klass volatility from ln(H/L) and ln(C/O).</summary>
    internal static void GarmanKlassFromLogs(ReadOnlySpan<double> lnHighLow, ReadOnlySpan<double> lnCloseOpen, int period, Span<double> destination)
    {
        var series = new GarmanKlassSeries(lnHighLow, lnCloseOpen, 1.0 / period);
        RollingTermSum(ref series, lnHighLow.Length, period, destination);
    }

    /// <summary>Mean Rogers–Satchell term over the window, from x = ln(H/O), y = ln(L/O), c = ln(C/O) (shared by RS and
    /// Yang–Zhang). <paramref name="destination"/> must not overlap the inputs (the window reads terms t − period … t).</summary>
    internal static void RogersSatchellMean(ReadOnlySpan<double> lnHighOpen, ReadOnlySpan<double> lnLowOpen, ReadOnlySpan<double> lnCloseOpen,
        int period, Span<double> destination)
    {
        var series = new RogersSatchellSeries(lnHighOpen, lnLowOpen, lnCloseOpen, 1.0 / period);
        RollingTermSum(ref series, lnHighOpen.Length, period, destination);
    }

    /// <summary>In place: <c>√max(x, 0)</c>, NaN kept.</summary>
    internal static void FloorSqrt(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = RangeTerms.FloorSqrt(values[i]);
        }
    }

    private static void CheckOhlc(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> destination)
    {
        Guard.SameLength(open.Length, high.Length, nameof(high));
        Guard.SameLength(open.Length, low.Length, nameof(low));
        Guard.SameLength(open.Length, close.Length, nameof(close));
        CheckDestination(open.Length, destination);
    }
}

/// <summary>
/// Logarithms of price ratios for the range estimators: <c>ln(a / b)</c>, NaN unless a / b is finite and positive (as
/// <see cref="Ratio.Log(double, double)"/>), with the library's logarithm (within 1 ulp of <see cref="Math.Log(double)"/>), whose
/// scalar and four-lane forms give the same bits, so the streaming states and the four-at-a-time batch are identical.
/// </summary>
internal static class LogRatios
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double a, double b)
    {
        return Ratio.Log(a, b);
    }

    /// <summary>destination[i] = Log(a[i], b[i]).</summary>
    public static void Batch(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
    {
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = a.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                Ratio.Log(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Log(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
        }
    }
}

/// <summary>The per-bar terms and finishing steps of the range-based volatility estimators (shared by kernels and states).</summary>
internal static class RangeTerms
{
    /// <summary>2 ln 2 − 1, the Garman–Klass weight of ln(C/O)².</summary>
    public const double GarmanKlassWeight = 0.38629436111989061;

    /// <summary>1 / (4 ln 2 · period): turns the Parkinson window sum into the variance.</summary>
    public static double ParkinsonFactor(int period) => 1.0 / (4.0 * Math.Log(2.0) * period);

    /// <summary>k = 0.34 / (1.34 + (N + 1) / (N − 1)).</summary>
    public static double YangZhangK(int period) => 0.34 / (1.34 + (period + 1.0) / (period - 1.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Parkinson(double lnHighLow) => lnHighLow * lnHighLow;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GarmanKlass(double lnHighLow, double lnCloseOpen) =>
        0.5 * lnHighLow * lnHighLow - GarmanKlassWeight * lnCloseOpen * lnCloseOpen;

    /// <summary>ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O) from x = ln(H/O), y = ln(L/O), c = ln(C/O).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RogersSatchell(double lnHighOpen, double lnLowOpen, double lnCloseOpen) =>
        (lnHighOpen - lnCloseOpen) * lnHighOpen + (lnLowOpen - lnCloseOpen) * lnLowOpen;

    /// <summary>√max(x, 0); NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FloorSqrt(double x) => Math.Sqrt(Math.Max(x, 0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double YangZhang(double varOvernight, double varOpenClose, double rsMean, double k) =>
        FloorSqrt(varOvernight + k * varOpenClose + (1.0 - k) * rsMean);
}

internal readonly ref struct ParkinsonSeries(ReadOnlySpan<double> lnHighLow, double factor) : ITermSeries
{
    private readonly ReadOnlySpan<double> _a = lnHighLow;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Term(int t) => RangeTerms.Parkinson(Unsafe.Add(ref MemoryMarshal.GetReference(_a), t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Finish(double sum, int t) => RangeTerms.FloorSqrt(sum * factor);
}

internal readonly ref struct GarmanKlassSeries(ReadOnlySpan<double> lnHighLow, ReadOnlySpan<double> lnCloseOpen, double inverse) : ITermSeries
{
    private readonly ReadOnlySpan<double> _a = lnHighLow;
    private readonly ReadOnlySpan<double> _b = lnCloseOpen;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Term(int t) =>
        RangeTerms.GarmanKlass(Unsafe.Add(ref MemoryMarshal.GetReference(_a), t), Unsafe.Add(ref MemoryMarshal.GetReference(_b), t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Finish(double sum, int t) => RangeTerms.FloorSqrt(sum * inverse);
}

internal readonly ref struct RogersSatchellSeries(ReadOnlySpan<double> lnHighOpen, ReadOnlySpan<double> lnLowOpen, ReadOnlySpan<double> lnCloseOpen,
    double inverse) : ITermSeries
{
    private readonly ReadOnlySpan<double> _x = lnHighOpen;
    private readonly ReadOnlySpan<double> _y = lnLowOpen;
    private readonly ReadOnlySpan<double> _c = lnCloseOpen;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Term(int t) => RangeTerms.RogersSatchell(Unsafe.Add(ref MemoryMarshal.GetReference(_x), t),
        Unsafe.Add(ref MemoryMarshal.GetReference(_y), t), Unsafe.Add(ref MemoryMarshal.GetReference(_c), t));

    /// <summary>The mean term (the square root is taken by the caller: Yang–Zhang needs the mean itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Finish(double sum, int t) => sum * inverse;
}

/// <summary>Incremental state of <see cref="Indicators.ParkinsonVolatility"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct ParkinsonVolatilityState
{
    private TermSumState _sum;
    private readonly double _factor;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 1).</summary>
    public ParkinsonVolatilityState(int period)
    {
        Guard.Period(period);
        _sum = new TermSumState(period);
        _factor = RangeTerms.ParkinsonFactor(period);
    }

    /// <summary>Adds the next bar and returns the Parkinson volatility of the last <c>period</c> bars (NaN until full or while an undefined bar is in the window).</summary>
    public double Update(double high, double low) => UpdateLogs(LogRatios.Log(high, low));

    /// <summary><see cref="Update"/> given ln(H/L) (as <see cref="Ratio.Log(double, double)"/> gives it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateLogs(double lnHighLow)
    {
        double sum = _sum.Update(RangeTerms.Parkinson(lnHighLow));
        return double.IsNaN(sum) ? double.NaN : RangeTerms.FloorSqrt(sum * _factor);
    }
}

/// <summary>Incremental state of <see cref="Indicators.GarmanKlassVolatility"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct GarmanKlassVolatilityState
{
    private TermSumState _sum;
    private readonly double _inverse;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 1).</summary>
    public GarmanKlassVolatilityState(int period)
    {
        Guard.Period(period);
        _sum = new TermSumState(period);
        _inverse = 1.0 / period;
    }

    /// <summary>Adds the next bar and returns the Garman–Klass volatility of the last <c>period</c> bars.</summary>
    public double Update(double open, double high, double low, double close) => UpdateLogs(LogRatios.Log(high, low), LogRatios.Log(close, open));

    /// <summary><see cref="Update"/> given ln(H/L) and ln(C/O) (as <see cref="Ratio.Log(double, double)"/> gives them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateLogs(double lnHighLow, double lnCloseOpen)
    {
        double sum = _sum.Update(RangeTerms.GarmanKlass(lnHighLow, lnCloseOpen));
        return double.IsNaN(sum) ? double.NaN : RangeTerms.FloorSqrt(sum * _inverse);
    }
}

/// <summary>Incremental state of <see cref="Indicators.RogersSatchellVolatility"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RogersSatchellVolatilityState
{
    private TermSumState _sum;
    private readonly double _inverse;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 1).</summary>
    public RogersSatchellVolatilityState(int period)
    {
        Guard.Period(period);
        _sum = new TermSumState(period);
        _inverse = 1.0 / period;
        Variance = double.NaN;
    }

    /// <summary>The mean Rogers–Satchell term of the last window (the variance; NaN when not ready).</summary>
    public double Variance { get; private set; }

    /// <summary>Adds the next bar and returns the Rogers–Satchell volatility of the last <c>period</c> bars.</summary>
    public double Update(double open, double high, double low, double close) =>
        UpdateLogs(LogRatios.Log(high, open), LogRatios.Log(low, open), LogRatios.Log(close, open));

    /// <summary><see cref="Update"/> given ln(H/O), ln(L/O) and ln(C/O) (as <see cref="Ratio.Log(double, double)"/> gives them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateLogs(double lnHighOpen, double lnLowOpen, double lnCloseOpen)
    {
        double sum = _sum.Update(RangeTerms.RogersSatchell(lnHighOpen, lnLowOpen, lnCloseOpen));
        Variance = double.IsNaN(sum) ? double.NaN : sum * _inverse;
        return RangeTerms.FloorSqrt(Variance);
    }
}

/// <summary>Incremental state of <see cref="Indicators.YangZhangVolatility"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct YangZhangVolatilityState
{
    private MirrorRing _overnight;
    private MirrorRing _openClose;
    private YangZhangWindow _w;
    private RogersSatchellVolatilityState _rs;
    private double _previousClose;
    private long _t;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 2).</summary>
    public YangZhangVolatilityState(int period)
    {
        Guard.Period(period, min: 2);
        _overnight = new MirrorRing(period + 1);
        _openClose = new MirrorRing(period + 1);
        _w = new YangZhangWindow(period);
        _rs = new RogersSatchellVolatilityState(period);
        _previousClose = double.NaN;
        _t = -1;
    }

    /// <summary>Adds the next bar and returns the Yang–Zhang volatility of the last <c>period</c> bars (NaN until
    /// <c>period + 1</c> bars have been seen or while an undefined bar is in the window).</summary>
    public double Update(double open, double high, double low, double close) =>
        UpdateLogs(LogRatios.Log(open, _previousClose), LogRatios.Log(close, open), LogRatios.Log(high, open), LogRatios.Log(low, open), close);

    /// <summary><see cref="Update"/> given ln(O/C₋₁), ln(C/O), ln(H/O) and ln(L/O) (as <see cref="Ratio.Log(double, double)"/>
    /// gives them, C₋₁ the previous bar's close) and the close.</summary>
    internal double UpdateLogs(double lnOvernight, double lnCloseOpen, double lnHighOpen, double lnLowOpen, double close)
    {
        _rs.UpdateLogs(lnHighOpen, lnLowOpen, lnCloseOpen);
        return UpdateWith(lnOvernight, lnCloseOpen, close, _rs.Variance);
    }

    /// <summary><see cref="UpdateLogs"/> given, instead of ln(H/O) and ln(L/O), the variance of a
    /// <see cref="RogersSatchellVolatilityState"/> of the same period that was just fed this bar (the one inside this state
    /// is then left as it is: a fused step that computes rogers_satchell_vol too passes that state's).</summary>
    internal double UpdateWith(double lnOvernight, double lnCloseOpen, double close, double rogersSatchellVariance)
    {
        double o = lnOvernight, c = lnCloseOpen;
        _previousClose = close;
        _overnight.Push(o);
        _openClose.Push(c);
        long t = ++_t;
        int p = _w.Period;
        bool full = t >= p;
        bool ready = _w.Advance(t, o, full ? _overnight.Back(p) : double.NaN, c, full ? _openClose.Back(p) : double.NaN, out bool recompute);
        if (recompute)
        {
            _w.Recompute(_overnight.Last(p), _openClose.Last(p));
        }

        return ready ? _w.Volatility(_w.M2O, _w.RunO, _w.M2C, _w.RunC, rogersSatchellVariance) : double.NaN;
    }
}
