using System.Buffers;
using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingPercentile"/>: <c>period − 1</c>.</summary>
    public static int RollingPercentileLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>
    /// Percentile rank of each value in its window of the last <paramref name="period"/> values (itself included), as
    /// pandas <c>rank(pct=True)</c> with average ties: <c>(L + (E + 1) / 2) / period</c>, where L values of the window
    /// are below <c>x[t]</c> and E are equal to it (itself included).
    /// </summary>
    /// <param name="source">Input series.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as <paramref name="source"/>.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>; NaN while the window holds a NaN. The value is in <c>[1 / (2·period), 1]</c>;
    /// 1 for a new maximum, <c>(period + 1) / (2·period)</c> on a flat window.</para>
    /// <para>Exact: the result is one division of two integers, <c>(2L + E + 1) / (2·period)</c>, so any algorithm
    /// gives the same bits. The window is kept as a blocked sorted multiset: O(√period) per bar, no allocation after
    /// the pooled scratch is rented. Equals looping <see cref="RollingPercentileState.Update"/>.</para>
    /// </remarks>
    public static void RollingPercentile(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckDestination(source.Length, destination);
        using var window = new SortedMultiset(period);
        int nan = 0;
        for (int i = 0; i < source.Length; i++)
        {
            double x = source[i];
            if (i >= period)
            {
                double old = source[i - period];
                if (double.IsNaN(old))
                {
                    nan--;
                }
                else
                {
                    window.Remove(old);
                }
            }

            if (double.IsNaN(x))
            {
                nan++;
                destination[i] = double.NaN;
                continue;
            }

            window.Insert(x);
            destination[i] = i >= period - 1 && nan == 0 ? window.PercentileOf(x) : double.NaN;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingPercentile"/>.</summary>
/// <remarks>A state owns its window (a ring buffer and a sorted multiset): do not copy a state value and use both
/// copies.</remarks>
public struct RollingPercentileState
{
    private Ring _ring;
    private readonly SortedMultiset _window;
    private readonly int _period;
    private int _nan;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public RollingPercentileState(int period)
    {
        Guard.Period(period);
        _period = period;
        _ring = new Ring(period);
        _window = new SortedMultiset(period, pooled: false);
        _nan = 0;
    }

    /// <summary>Adds the next value and returns its percentile rank in the window (NaN until the window is full or while
    /// it holds a NaN).</summary>
    public double Update(double value)
    {
        bool full = _ring.IsFull;
        double old = _ring.Push(value);
        if (full)
        {
            if (double.IsNaN(old))
            {
                _nan--;
            }
            else
            {
                _window.Remove(old);
            }
        }

        if (double.IsNaN(value))
        {
            _nan++;
            return double.NaN;
        }

        _window.Insert(value);
        return _ring.Count == _period && _nan == 0 ? _window.PercentileOf(value) : double.NaN;
    }
}

/// <summary>
/// A multiset of doubles (no NaN) kept sorted in blocks of at most <see cref="Capacity"/> values: insert, remove and
/// rank cost a binary search over the blocks, a shift inside one block and a sum of the block sizes before it —
/// O(√n) in all. Blocks are split when full and merged with a neighbour when they fall below a quarter, so there are
/// at most <c>8n / Capacity + 2</c> of them.
/// </summary>
internal sealed class SortedMultiset : IDisposable
{
    private const int Capacity = 256;
    private readonly bool _pooled;
    private double[] _store;   // block id b holds its sorted values in [b·Capacity, b·Capacity + size)
    private int[] _order;      // block ids in value order
    private int[] _sizes;      // sizes by position in _order (contiguous, so their prefix sums vectorize)
    private int[] _free;       // free block ids
    private int _freeCount;
    private int _blocks;

    public SortedMultiset(int maxCount, bool pooled = true)
    {
        _pooled = pooled;
        int maxBlocks = (8 * maxCount / Capacity) + 3;
        _store = pooled ? ArrayPool<double>.Shared.Rent(maxBlocks * Capacity) : new double[maxBlocks * Capacity];
        _order = pooled ? ArrayPool<int>.Shared.Rent(maxBlocks) : new int[maxBlocks];
        _sizes = pooled ? ArrayPool<int>.Shared.Rent(maxBlocks) : new int[maxBlocks];
        _free = pooled ? ArrayPool<int>.Shared.Rent(maxBlocks) : new int[maxBlocks];
        for (int b = maxBlocks - 1; b >= 0; b--)
        {
            _free[_freeCount++] = b;
        }
    }

    /// <summary>Number of values held.</summary>
    public int Count { get; private set; }

    public void Insert(double x)
    {
        if (_blocks == 0)
        {
            int id = _free[--_freeCount];
            _order[0] = id;
            _sizes[0] = 1;
            _store[id * Capacity] = x;
            _blocks = 1;
            Count = 1;
            return;
        }

        int p = FirstBlockWithLastAtLeast(x, strict: false);
        if (p == _blocks)
        {
            p--;
        }

        int bid = _order[p];
        int size = _sizes[p];
        var block = _store.AsSpan(bid * Capacity, Capacity);
        int at = UpperBound(block[..size], x);
        block[at..size].CopyTo(block[(at + 1)..]);
        block[at] = x;
        _sizes[p] = ++size;
        Count++;
        if (size == Capacity)
        {
            Split(p);
        }
    }

    public void Remove(double x)
    {
        int p = FirstBlockWithLastAtLeast(x, strict: false);
        int size = p < _blocks ? _sizes[p] : 0;
        var block = p < _blocks ? _store.AsSpan(_order[p] * Capacity, size) : default;
        int at = p < _blocks ? LowerBound(block, x) : 0;
        if (p == _blocks || at == size || block[at] != x)
        {
            throw new InvalidOperationException($"Internal error: the value {x:R} is not in the window.");
        }

        block[(at + 1)..].CopyTo(block[at..]);
        _sizes[p] = --size;
        Count--;
        if (size == 0)
        {
            RemoveBlockAt(p);
        }
        else if (size < Capacity / 4)
        {
            if (p + 1 < _blocks && size + _sizes[p + 1] <= Capacity)
            {
                Merge(p);
            }
            else if (p > 0 && size + _sizes[p - 1] <= Capacity)
            {
                Merge(p - 1);
            }
        }
    }

    /// <summary>Number of values &lt; x and ≤ x.</summary>
    public (int Less, int LessOrEqual) Rank(double x)
    {
        int pl = FirstBlockWithLastAtLeast(x, strict: false);
        int less = PrefixSize(pl) + (pl < _blocks ? LowerBound(_store.AsSpan(_order[pl] * Capacity, _sizes[pl]), x) : 0);
        int pu = FirstBlockWithLastAtLeast(x, strict: true);
        int lessOrEqual = PrefixSize(pu) + (pu < _blocks ? UpperBound(_store.AsSpan(_order[pu] * Capacity, _sizes[pu]), x) : 0);
        return (less, lessOrEqual);
    }

    /// <summary>pandas <c>rank(pct=True)</c> (average ties) of <paramref name="x"/>, a value held: <c>(2L + E + 1) / (2n)</c>.</summary>
    public double PercentileOf(double x)
    {
        var (less, lessOrEqual) = Rank(x);
        return Percentile.Of(less, lessOrEqual - less, Count);
    }

    public void Dispose()
    {
        if (_pooled && _store.Length > 0)
        {
            ArrayPool<double>.Shared.Return(_store);
            ArrayPool<int>.Shared.Return(_order);
            ArrayPool<int>.Shared.Return(_sizes);
            ArrayPool<int>.Shared.Return(_free);
            _store = [];
            _order = _sizes = _free = [];
        }
    }

    private double Last(int position) => _store[(_order[position] * Capacity) + _sizes[position] - 1];

    /// <summary>The first block position whose last value is ≥ x (&gt; x when strict), or the block count.</summary>
    private int FirstBlockWithLastAtLeast(double x, bool strict)
    {
        int lo = 0, hi = _blocks;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            double last = Last(mid);
            if (strict ? last > x : last >= x)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private int PrefixSize(int position)
    {
        var sizes = _sizes.AsSpan(0, position);
        int sum = 0;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && sizes.Length >= System.Numerics.Vector<int>.Count)
        {
            var acc = System.Numerics.Vector<int>.Zero;
            for (; i <= sizes.Length - System.Numerics.Vector<int>.Count; i += System.Numerics.Vector<int>.Count)
            {
                acc += new System.Numerics.Vector<int>(sizes[i..]);
            }

            sum = System.Numerics.Vector.Sum(acc);
        }

        for (; i < sizes.Length; i++)
        {
            sum += sizes[i];
        }

        return sum;
    }

    private static int LowerBound(ReadOnlySpan<double> values, double x)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> values, double x)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void Split(int position)
    {
        int id = _order[position];
        int nid = _free[--_freeCount];
        int half = Capacity / 2;
        _store.AsSpan((id * Capacity) + half, Capacity - half).CopyTo(_store.AsSpan(nid * Capacity));
        _sizes[position] = half;
        _order.AsSpan(position + 1, _blocks - position - 1).CopyTo(_order.AsSpan(position + 2));
        _sizes.AsSpan(position + 1, _blocks - position - 1).CopyTo(_sizes.AsSpan(position + 2));
        _order[position + 1] = nid;
        _sizes[position + 1] = Capacity - half;
        _blocks++;
    }

    /// <summary>Moves block position+1 into block position and frees it.</summary>
    private void Merge(int position)
    {
        int into = _order[position], from = _order[position + 1];
        int a = _sizes[position], b = _sizes[position + 1];
        _store.AsSpan(from * Capacity, b).CopyTo(_store.AsSpan((into * Capacity) + a));
        _sizes[position] = a + b;
        RemoveBlockAt(position + 1);
    }

    private void RemoveBlockAt(int position)
    {
        _free[_freeCount++] = _order[position];
        _order.AsSpan(position + 1, _blocks - position - 1).CopyTo(_order.AsSpan(position));
        _sizes.AsSpan(position + 1, _blocks - position - 1).CopyTo(_sizes.AsSpan(position));
        _blocks--;
    }
}

/// <summary>The percentile-rank step shared by the percentile features.</summary>
public static class Percentile
{
    /// <summary>
    /// pandas <c>rank(pct=True)</c> with average ties of a value among <paramref name="count"/> values, of which
    /// <paramref name="less"/> are below it and <paramref name="equal"/> equal to it (itself included):
    /// <c>(less + (equal + 1) / 2) / count</c>, computed as one division of two integers (exact up to one rounding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(int less, int equal, int count) =>
        count > 0 ? ((2.0 * less) + equal + 1) / (2.0 * count) : double.NaN;

    /// <summary>Counts the values of <paramref name="values"/> below and equal to <paramref name="x"/> (NaN values count in neither).</summary>
    public static (int Less, int Equal) Count(ReadOnlySpan<double> values, double x)
    {
        int less = 0, equal = 0;
        foreach (double v in values)
        {
            less += v < x ? 1 : 0;
            equal += v == x ? 1 : 0;
        }

        return (less, equal);
    }
}
