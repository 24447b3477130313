using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="EfficiencyRatio"/>: <c>period</c>.</summary>
    public static int EfficiencyRatioLookback(int period)
    {
        Guard.Period(period);
        return period;
    }

    /// <summary>
    /// Kaufman's efficiency ratio: <c>|C_t − C_(t−period)| / Σ |C_i − C_(i−1)|</c> over the last <paramref name="period"/>
    /// changes (i = t − period + 1 … t).
    /// </summary>
    /// <param name="close">Close prices.</param>
    /// <param name="period">Number of bar-to-bar changes (≥ 1).</param>
    /// <param name="destination">Output in [0, 1], at least as long as <paramref name="close"/>.</param>
    /// <remarks>
    /// <para>Lookback <c>period</c>. NaN while closes t − period … t hold a NaN; NaN when the path length is 0 (all closes
    /// of the window equal: 0/0). Clamped to at most 1 against rounding (a monotone window gives exactly 1 up to that).</para>
    /// <para>Numerics: the path length slides (<c>+ in − out</c>) with an exact recomputation every 8 windows (64 … 1,024
    /// bars) and an exact 0 when every change of the window is 0. Bit-identical to looping
    /// <see cref="EfficiencyRatioState.Update"/>.</para>
    /// </remarks>
    public static void EfficiencyRatio(ReadOnlySpan<double> close, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckDestination(close.Length, destination);
        var series = new EfficiencySeries(close, period);
        RollingTermSum(ref series, close.Length, period, destination);
    }
}

internal readonly ref struct EfficiencySeries(ReadOnlySpan<double> close, int period) : ITermSeries
{
    private readonly ReadOnlySpan<double> _c = close;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Term(int t)
    {
        ref double c = ref MemoryMarshal.GetReference(_c);
        return t > 0 ? Math.Abs(Unsafe.Add(ref c, t) - Unsafe.Add(ref c, t - 1)) : double.NaN;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Finish(double sum, int t)
    {
        ref double c = ref MemoryMarshal.GetReference(_c);
        return EfficiencyRatioState.Compute(Unsafe.Add(ref c, t), Unsafe.Add(ref c, t - period), sum);
    }
}

/// <summary>Incremental state of <see cref="Indicators.EfficiencyRatio"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct EfficiencyRatioState
{
    private MirrorRing _closes;
    private TermSumState _path;
    private readonly int _period;

    /// <summary>Creates the state over <paramref name="period"/> changes (≥ 1).</summary>
    public EfficiencyRatioState(int period)
    {
        Guard.Period(period);
        _closes = new MirrorRing(period + 1);
        _path = new TermSumState(period);
        _period = period;
    }

    /// <summary>Adds the next close and returns the efficiency ratio (NaN until <c>period + 1</c> closes, while a NaN is among them, or on a flat window).</summary>
    public double Update(double close)
    {
        double previous = _closes.Back(0);
        _closes.Push(close);
        double sum = _path.Update(_closes.Count > 1 ? Math.Abs(close - previous) : double.NaN);
        return double.IsNaN(sum) ? double.NaN : Compute(close, _closes.Back(_period), sum);
    }

    /// <summary>|C_t − C_(t−period)| / path, NaN when the path is not positive, at most 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Compute(double close, double closeBack, double path) =>
        path > 0 ? Math.Min(1.0, Math.Abs(close - closeBack) / path) : double.NaN;
}
