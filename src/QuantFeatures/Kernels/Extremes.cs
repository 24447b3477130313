using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingMax"/> / <see cref="RollingMin"/>: <c>period − 1</c> (TA-Lib MAX/MIN).</summary>
    public static int RollingExtremumLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>Highest value of the last <paramref name="period"/> bars, as TA-Lib <c>MAX</c>.</summary>
    /// <remarks>Lookback <c>period − 1</c>; NaN while the window holds a NaN. The extreme is tracked with its index and the
    /// window rescanned only when the extreme leaves it (TA-Lib's method). Maxima are exact, so this equals
    /// <see cref="RollingExtremumState"/> bit for bit.</remarks>
    public static void RollingMax(ReadOnlySpan<double> source, int period, Span<double> destination) =>
        Extremum(source, period, destination, max: true);

    /// <summary>Lowest value of the last <paramref name="period"/> bars, as TA-Lib <c>MIN</c>.</summary>
    /// <remarks>Lookback <c>period − 1</c>; NaN while the window holds a NaN.</remarks>
    public static void RollingMin(ReadOnlySpan<double> source, int period, Span<double> destination) =>
        Extremum(source, period, destination, max: false);

    private static void Extremum(ReadOnlySpan<double> source, int period, Span<double> destination, bool max)
    {
        Guard.Period(period);
        CheckDestination(source.Length, destination);
        if (max)
        {
            ExtremumLoop<MaxOrder>(source, period, destination);
        }
        else
        {
            ExtremumLoop<MinOrder>(source, period, destination);
        }
    }

    private static void ExtremumLoop<TOrder>(ReadOnlySpan<double> source, int period, Span<double> destination)
        where TOrder : struct, IOrder
    {
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int extremeIndex = -1;
        double extreme = double.NaN;
        int lastNan = int.MinValue / 2;
        for (int i = 0; i < source.Length; i++)
        {
            double x = Unsafe.Add(ref src, i);
            int windowStart = i - period + 1;
            if (double.IsNaN(x))
            {
                lastNan = i;
            }

            if (extremeIndex < windowStart || extremeIndex < 0)
            {
                int start = Math.Max(0, windowStart);
                extremeIndex = ExtremeOf<TOrder>(source.Slice(start, i - start + 1), out extreme);
                if (extremeIndex >= 0)
                {
                    extremeIndex += start;
                }
            }
            else if (TOrder.AtLeast(x, extreme))
            {
                extreme = x;
                extremeIndex = i;
            }

            Unsafe.Add(ref dst, i) = windowStart >= 0 && i - lastNan >= period ? extreme : double.NaN;
        }
    }

    /// <summary>Index of the extreme non-NaN value (the latest among ties), −1 when all are NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    internal static int ExtremeOf<TOrder>(ReadOnlySpan<double> window, out double extreme)
        where TOrder : struct, IOrder
    {
        int best = -1;
        extreme = double.NaN;
        for (int k = 0; k < window.Length; k++)
        {
            double v = window[k];
            if (!double.IsNaN(v) && (best < 0 || TOrder.AtLeast(v, extreme)))
            {
                extreme = v;
                best = k;
            }
        }

        return best;
    }

    internal interface IOrder
    {
        static abstract bool AtLeast(double candidate, double current);
    }

    internal readonly struct MaxOrder : IOrder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool AtLeast(double candidate, double current) => candidate >= current;
    }

    internal readonly struct MinOrder : IOrder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool AtLeast(double candidate, double current) => candidate <= current;
    }
}

/// <summary>Incremental rolling maximum or minimum: one <see cref="Update"/> per bar.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RollingExtremumState
{
    private Ring _ring;
    private readonly int _period;
    private readonly bool _max;
    private int _t;
    private int _lastNan;
    private int _extremeIndex;
    private double _extreme;

    /// <summary>Creates a rolling maximum (<paramref name="max"/> true) or minimum over <paramref name="period"/> bars.</summary>
    public RollingExtremumState(int period, bool max)
    {
        Guard.Period(period);
        _ring = new Ring(period);
        _period = period;
        _max = max;
        _t = -1;
        _lastNan = int.MinValue / 2;
        _extremeIndex = -1;
        _extreme = double.NaN;
    }

    /// <summary>Number of bars since the current extreme (0 = this bar), or −1 when the window holds no valid value.</summary>
    public readonly int BarsSinceExtreme => _extremeIndex < 0 ? -1 : _t - _extremeIndex;

    /// <summary>Adds the next value and returns the extreme of the last <c>period</c> values (NaN until full or while a NaN is in the window).</summary>
    public double Update(double value)
    {
        int t = ++_t;
        _ring.Push(value);
        int windowStart = t - _period + 1;
        if (double.IsNaN(value))
        {
            _lastNan = t;
        }

        if (_extremeIndex < windowStart || _extremeIndex < 0)
        {
            _ring.Parts(out var older, out var newer);
            int found = Rescan(older, newer, out _extreme);
            _extremeIndex = found < 0 ? -1 : t - (_ring.Count - 1) + found;
        }
        else if (_max ? value >= _extreme : value <= _extreme)
        {
            _extreme = value;
            _extremeIndex = t;
        }

        return windowStart >= 0 && t - _lastNan >= _period ? _extreme : double.NaN;
    }

    private readonly int Rescan(ReadOnlySpan<double> older, ReadOnlySpan<double> newer, out double extreme)
    {
        int a = _max ? Indicators.ExtremeOf<Indicators.MaxOrder>(older, out double ea) : Indicators.ExtremeOf<Indicators.MinOrder>(older, out ea);
        int b = _max ? Indicators.ExtremeOf<Indicators.MaxOrder>(newer, out double eb) : Indicators.ExtremeOf<Indicators.MinOrder>(newer, out eb);
        if (b >= 0 && (a < 0 || (_max ? eb >= ea : eb <= ea)))
        {
            extreme = eb;
            return older.Length + b;
        }

        extreme = ea;
        return a;
    }
}
