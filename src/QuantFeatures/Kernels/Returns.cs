using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Change"/> and <see cref="LogChange"/>: <c>lag</c>.</summary>
    public static int ChangeLookback(int lag)
    {
        Guard.Period(lag, "lag");
        return lag;
    }

    /// <summary>Simple return over <paramref name="lag"/> bars: <c>x[t] / x[t−lag] − 1</c>.</summary>
    /// <remarks>Lookback <c>lag</c>. NaN when either value is NaN or <c>x[t−lag] = 0</c>.</remarks>
    public static void Change(ReadOnlySpan<double> source, int lag, Span<double> destination) =>
        LagLoop(source, lag, destination, log: false);

    /// <summary>Log return over <paramref name="lag"/> bars: <c>ln(x[t] / x[t−lag])</c>.</summary>
    /// <remarks>Lookback <c>lag</c>. NaN when either value is NaN, zero or of opposite sign.</remarks>
    public static void LogChange(ReadOnlySpan<double> source, int lag, Span<double> destination) =>
        LagLoop(source, lag, destination, log: true);

    /// <summary>The batch form of <see cref="ChangeState"/>: NaN for t &lt; lag, then f(x[t], x[t − lag]) — four bars at a
    /// time with the lane forms of <see cref="Ratio.Log(double, double)"/> / <see cref="Ratio.Change(double, double)"/>,
    /// which give the scalar bits, so the result equals looping the state.</summary>
    private static void LagLoop(ReadOnlySpan<double> source, int lag, Span<double> destination, bool log)
    {
        Guard.Period(lag, "lag");
        CheckDestination(source.Length, destination);
        int n = source.Length;
        int head = Math.Min(lag, n);
        destination[..head].Fill(double.NaN);
        ref double x = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int i = head;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                var now = Vector256.LoadUnsafe(ref x, (nuint)i);
                var then = Vector256.LoadUnsafe(ref x, (nuint)(i - lag));
                (log ? Ratio.Log(now, then) : Ratio.Change(now, then)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            double now = Unsafe.Add(ref x, i), then = Unsafe.Add(ref x, i - lag);
            Unsafe.Add(ref d, i) = log ? Ratio.Log(now, then) : Ratio.Change(now, then);
        }
    }
}

/// <summary>A fixed delay line: returns the value seen <c>lag</c> updates ago (NaN before that).</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct LagState
{
    private readonly double[] _ring;
    private readonly int _lag;
    private int _pos;
    private int _filled;

    /// <summary>Creates a delay of <paramref name="lag"/> bars (≥ 1).</summary>
    public LagState(int lag) : this(lag, new double[Math.Max(lag, 1)])
    {
    }

    internal LagState(int lag, double[] ring)
    {
        Guard.Period(lag, "lag");
        _ring = ring;
        _lag = lag;
        _pos = 0;
        _filled = 0;
    }

    /// <summary>Pushes the current value and returns the value <c>lag</c> bars before it (NaN while fewer were seen).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Update(double value)
    {
        int pos = _pos;
        double old = _filled == _lag ? _ring[pos] : double.NaN;
        if (_filled < _lag)
        {
            _filled++;
        }

        _ring[pos] = value;
        _pos = ++pos == _lag ? 0 : pos;
        return old;
    }
}

/// <summary>Incremental state of <see cref="Indicators.Change"/> / <see cref="Indicators.LogChange"/>.</summary>
public struct ChangeState
{
    private LagState _lag;
    private readonly bool _log;

    /// <summary>Creates the state: simple return when <paramref name="log"/> is false, log return otherwise.</summary>
    public ChangeState(int lag, bool log)
    {
        _lag = new LagState(lag);
        _log = log;
    }

    internal ChangeState(int lag, bool log, double[] ring)
    {
        _lag = new LagState(lag, ring);
        _log = log;
    }

    /// <summary>Adds the next value and returns the return over the lag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Update(double value)
    {
        double old = _lag.Update(value);
        return _log ? Ratio.Log(value, old) : Ratio.Change(value, old);
    }
}

/// <summary>Safe ratios shared by the kernels: never ±∞, NaN where the ratio is undefined.</summary>
public static class Ratio
{
    /// <summary><c>a / b − 1</c>; NaN when b is 0, the quotient overflows, or either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Change(double a, double b)
    {
        double r = a / b - 1.0;
        return double.IsFinite(r) ? r : double.NaN;
    }

    /// <summary><c>ln(a / b)</c>; NaN unless a / b is finite and positive.</summary>
    /// <remarks>The library's own logarithm (within 1 ulp of <see cref="Math.Log(double)"/>; a four-lane form gives the
    /// same bits, so vectorized batch kernels equal the streaming states exactly).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double a, double b)
    {
        double r = a / b;
        return r > 0 && r < double.PositiveInfinity ? LogMath.Log(r) : double.NaN;
    }

    /// <summary>Four lanes of <see cref="Log(double, double)"/> (the same bits lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Log(Vector256<double> a, Vector256<double> b)
    {
        var r = a / b;
        var ok = Vector256.GreaterThan(r, Vector256<double>.Zero) & Vector256.LessThan(r, Vector256.Create(double.PositiveInfinity));
        return Vector256.ConditionalSelect(ok, LogMath.Log(r), Vector256.Create(double.NaN));
    }

    /// <summary>Four lanes of <see cref="Change(double, double)"/> (the same bits lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Change(Vector256<double> a, Vector256<double> b)
    {
        var r = (a / b) - Vector256<double>.One;
        var finite = Vector256.LessThan(Vector256.Abs(r), Vector256.Create(double.PositiveInfinity));
        return Vector256.ConditionalSelect(finite, r, Vector256.Create(double.NaN));
    }

    /// <summary><c>a / b</c>; NaN when the quotient is not finite (b = 0, overflow) or either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double a, double b)
    {
        double r = a / b;
        return double.IsFinite(r) ? r : double.NaN;
    }
}
