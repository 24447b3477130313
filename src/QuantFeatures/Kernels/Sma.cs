using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Sma"/>: <c>period − 1</c>.</summary>
    public static int SmaLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>
    /// Simple moving average, as TA-Lib <c>SMA</c>: <c>mean(x[t−period+1 .. t])</c>.
    /// </summary>
    /// <param name="source">Input series.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>Lookback <c>period − 1</c>. NaN: NaN while the window holds a NaN. The running sum is updated as
    /// <c>sum += x[t] − x[t−period]</c> and recomputed exactly from the window every 1,024 bars (a longer multiple of 1,024 for windows over 128 bars,
    /// at least 8 × period), so it never drifts on long series.
    /// Bit-identical to looping <see cref="SmaState.Update"/>.</remarks>
    public static void Sma(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckDestination(source.Length, destination);
        var sum = new WindowSum(period);
        double inverse = 1.0 / period;
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        while (i < n)
        {
            int blockEnd = (int)Math.Min(n, ((long)(i / sum.Interval) + 1) * sum.Interval);
            if (i >= period && sum.NanCount == 0)
            {
                // Fast path: the same arithmetic as WindowSum.Slide on clean values, without the NaN bookkeeping.
                double s = sum.Sum;
                int j = i;
                for (; j < blockEnd; j++)
                {
                    s += Unsafe.Add(ref src, j) - Unsafe.Add(ref src, j - period);
                    Unsafe.Add(ref dst, j) = s * inverse;
                }

                if (!double.IsNaN(s))
                {
                    sum.Sum = s;
                    i = blockEnd;
                    sum.AfterBlock(source, i);
                    continue;
                }
            }

            for (; i < blockEnd; i++)
            {
                sum.Slide(Unsafe.Add(ref src, i), i >= period ? Unsafe.Add(ref src, i - period) : double.NaN, i >= period);
                Unsafe.Add(ref dst, i) = i >= period - 1 && sum.NanCount == 0 ? sum.Sum * inverse : double.NaN;
            }

            sum.AfterBlock(source, i);
        }
    }
}

/// <summary>
/// The shared step of every windowed sum: <c>sum += x_in − x_out</c> on clean values, NaN counted apart so that a NaN
/// only affects the windows holding it, and an exact recomputation from the window every 1,024 updates.
/// </summary>
internal struct WindowSum
{
    public readonly int Period;
    public readonly int Interval;
    public double Sum;
    public int NanCount;

    public WindowSum(int period)
    {
        Period = period;
        Interval = Indicators.SumRecomputeInterval(period);
        Sum = 0;
        NanCount = 0;
    }

    /// <summary>Adds <paramref name="incoming"/>; removes <paramref name="outgoing"/> when <paramref name="full"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slide(double incoming, double outgoing, bool full)
    {
        bool inNan = double.IsNaN(incoming);
        if (full)
        {
            bool outNan = double.IsNaN(outgoing);
            if (!inNan && !outNan)
            {
                Sum += incoming - outgoing;
                return;
            }

            if (outNan)
            {
                NanCount--;
            }
            else
            {
                Sum -= outgoing;
            }
        }

        if (inNan)
        {
            NanCount++;
        }
        else
        {
            Sum += incoming;
        }
    }

    /// <summary>Called after update number <paramref name="updates"/> (1-based count) when it is a multiple of the interval.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterBlock(ReadOnlySpan<double> source, int updates)
    {
        if (updates % Interval == 0)
        {
            int start = Math.Max(0, updates - Period);
            Sum = ExactSum(source.Slice(start, updates - start), default);
        }
    }

    /// <summary>The sum of the non-NaN values of a window given in chronological order as two parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    public static double ExactSum(ReadOnlySpan<double> older, ReadOnlySpan<double> newer)
    {
        double s = 0;
        foreach (double v in older)
        {
            if (!double.IsNaN(v))
            {
                s += v;
            }
        }

        foreach (double v in newer)
        {
            if (!double.IsNaN(v))
            {
                s += v;
            }
        }

        return s;
    }
}

/// <summary>A ring buffer holding the last <c>capacity</c> values in chronological order (streaming side of windowed kernels).</summary>
internal struct Ring
{
    private readonly double[] _buffer;
    private readonly int _capacity;
    private int _pos;

    public Ring(int capacity, double[]? buffer = null)
    {
        _capacity = capacity;
        _buffer = buffer ?? new double[Math.Max(capacity, 1)];
        Array.Fill(_buffer, double.NaN, 0, Math.Max(capacity, 1));
        _pos = 0;
        Count = 0;
    }

    public int Count { get; private set; }

    public readonly bool IsFull => Count == _capacity;

    /// <summary>Stores the value and returns the one it displaces (NaN while not full).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Push(double value)
    {
        int pos = _pos;
        double old = _buffer[pos];
        _buffer[pos] = value;
        _pos = ++pos == _capacity ? 0 : pos;
        if (Count < _capacity)
        {
            Count++;
            return double.NaN;
        }

        return old;
    }

    /// <summary>The value <paramref name="back"/> steps ago (0 = the latest; NaN for a slot not yet written, as the
    /// buffer starts filled with NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Back(int back)
    {
        int j = _pos - 1 - back;
        if (j < 0)
        {
            j += _capacity;
        }

        return _buffer[j];
    }

    /// <summary>The stored values in chronological order, as two parts (spans, so that a per-bar caller builds no
    /// <see cref="ReadOnlyMemory{T}"/> to unwrap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Parts(out ReadOnlySpan<double> older, out ReadOnlySpan<double> newer)
    {
        if (IsFull)
        {
            older = new ReadOnlySpan<double>(_buffer, _pos, _capacity - _pos);
            newer = new ReadOnlySpan<double>(_buffer, 0, _pos);
        }
        else
        {
            older = new ReadOnlySpan<double>(_buffer, 0, Count);
            newer = default;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Sma"/>: one <see cref="Update"/> per bar.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct SmaState
{
    private Ring _ring;
    private WindowSum _sum;
    private readonly double _inverse;
    private int _updates;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public SmaState(int period)
    {
        Guard.Period(period);
        _ring = new Ring(period);
        _sum = new WindowSum(period);
        _inverse = 1.0 / period;
        _updates = 0;
    }

    /// <summary>Adds the next value and returns the average of the last <c>period</c> values (NaN until full or while a NaN is in the window).</summary>
    public double Update(double value)
    {
        bool full = _ring.IsFull;
        double outgoing = _ring.Push(value);
        _sum.Slide(value, outgoing, full);
        double result = _ring.IsFull && _sum.NanCount == 0 ? _sum.Sum * _inverse : double.NaN;
        if (Indicators.IsMultiple(++_updates, _sum.Interval))
        {
            // After the output, as the batch kernel does at the end of each block.
            _ring.Parts(out var older, out var newer);
            _sum.Sum = WindowSum.ExactSum(older, newer);
        }

        return result;
    }
}
