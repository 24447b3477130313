using System.Runtime.CompilerServices;
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

    private static void LagLoop(ReadOnlySpan<double> source, int lag, Span<double> destination, bool log)
    {
        Guard.Period(lag, "lag");
        CheckDestination(source.Length, destination);
        var ring = Scratch.Rent(lag);
        try
        {
            var state = new ChangeState(lag, log, ring);
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = state.Update(source[i]);
            }
        }
        finally
        {
            Scratch.Return(ring);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double a, double b)
    {
        double r = a / b;
        return r > 0 && r < double.PositiveInfinity ? Math.Log(r) : double.NaN;
    }

    /// <summary><c>a / b</c>; NaN when the quotient is not finite (b = 0, overflow) or either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double a, double b)
    {
        double r = a / b;
        return double.IsFinite(r) ? r : double.NaN;
    }
}
