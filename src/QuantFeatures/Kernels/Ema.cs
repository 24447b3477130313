using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Ema"/>: <c>period − 1</c> (TA-Lib's EMA lookback).</summary>
    public static int EmaLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>
    /// Exponential moving average, as TA-Lib <c>EMA</c> (default compatibility): seeded with the SMA of the first
    /// <paramref name="period"/> values, then <c>ema = ema + α (x − ema)</c>, α = 2 / (period + 1).
    /// </summary>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>: the first value is the seed SMA at index <c>period − 1</c>.</para>
    /// <para>The recursion is evaluated as <c>fma(ema, 1 − α, α·x)</c>, algebraically TA-Lib's formula (agrees to
    /// ~1e-15 relative) with a 4-cycle dependency chain instead of 12.</para>
    /// <para>NaN rule: a NaN input gives NaN and restarts the seeding: the EMA is NaN until <c>period</c> further
    /// valid values have arrived, then re-seeded with their SMA.</para>
    /// </remarks>
    public static void Ema(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckDestination(source.Length, destination);
        var state = new EmaState(period);
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            if (state.IsSeeded)
            {
                // Steady state on locals: the same step as EmaState.Update, until a NaN needs the seeding logic.
                double ema = state.Value, decay = state.Decay, alpha = state.Alpha;
                for (; i < n; i++)
                {
                    double x = Unsafe.Add(ref src, i);
                    if (double.IsNaN(x))
                    {
                        break;
                    }

                    ema = EmaState.Step(ema, x, decay, alpha);
                    Unsafe.Add(ref dst, i) = ema;
                }

                state.Continue(ema);
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

/// <summary>Incremental state of <see cref="Indicators.Ema"/> (TA-Lib seeding, restart after NaN).</summary>
public struct EmaState
{
    private readonly int _period;
    private readonly double _alpha;
    private readonly double _decay;
    private int _count;
    private double _seed;
    private double _ema;

    /// <summary>Creates the state with α = 2 / (period + 1).</summary>
    public EmaState(int period) : this(period, 2.0 / (period + 1))
    {
    }

    /// <summary>Creates the state with an explicit smoothing factor α (0 &lt; α ≤ 1), seeded by the SMA of <paramref name="period"/> values.</summary>
    public EmaState(int period, double alpha)
    {
        Guard.Period(period);
        if (!(alpha > 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The smoothing factor must be in (0, 1].");
        }

        _period = period;
        _alpha = alpha;
        _decay = 1.0 - alpha;
        _count = 0;
        _seed = 0;
        _ema = double.NaN;
    }

    /// <summary>The last output (NaN while seeding).</summary>
    public readonly double Value => _count >= _period ? _ema : double.NaN;

    /// <summary>Whether the seed is complete (the next valid value produces an output).</summary>
    public readonly bool IsSeeded => _count >= _period;

    internal readonly double Alpha => _alpha;

    internal readonly double Decay => _decay;

    /// <summary>The one recursion step shared by the state and the batch kernel: <c>fma(ema, 1 − α, α·x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Step(double ema, double value, double decay, double alpha) => Math.FusedMultiplyAdd(ema, decay, alpha * value);

    internal void Continue(double ema) => _ema = ema;

    /// <summary>Adds the next value and returns the EMA (NaN while seeding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Update(double value)
    {
        if (_count >= _period && !double.IsNaN(value))
        {
            _ema = Step(_ema, value, _decay, _alpha);
            return _ema;
        }

        return Seed(value);
    }

    // Inlined as well: a handful of operations, and the callers (MACD lines, ATR, oscillators) then make no call on any path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Seed(double value)
    {
        if (double.IsNaN(value))
        {
            _count = 0;
            _seed = 0;
            _ema = double.NaN;
            return double.NaN;
        }

        _seed += value;
        if (++_count < _period)
        {
            return double.NaN;
        }

        _ema = _seed / _period;
        return _ema;
    }
}
