using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// gives the same bits. The counts are updated in O(1) while the value repeats (carried-forward snapshots); when it
    /// changes they are recounted by a vector scan (windows up to 1,024 bars) or from a run-length view of the window and a
    /// weighted sorted multiset updated once per run (O(√distinct values)). No allocation after the pooled scratch is
    /// rented. Equals looping <see cref="RollingPercentileState.Update"/>.</para>
    /// </remarks>
    public static void RollingPercentile(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckDestination(source.Length, destination);
        using var window = new PercentileWindow(period, pooled: true);
        for (int i = 0; i < source.Length; i++)
        {
            bool full = i >= period;
            int start = full ? i - period + 1 : 0;
            destination[i] = window.Update(source[i], full ? source[i - period] : double.NaN, full, source[start..(i + 1)], default);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingPercentile"/>.</summary>
/// <remarks>A state owns its window (a ring buffer up to 1,024 bars; beyond, runs of equal values and a sorted multiset):
/// do not copy a state value and use both copies.</remarks>
public struct RollingPercentileState
{
    private Ring _ring; // the window for the scan (windows up to the scan limit); a run-length window keeps its own
    private readonly PercentileWindow _window;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public RollingPercentileState(int period)
    {
        Guard.Period(period);
        _window = new PercentileWindow(period, pooled: false);
        _ring = _window.RunLength ? default : new Ring(period);
    }

    /// <summary>Adds the next value and returns its percentile rank in the window (NaN until the window is full or while
    /// it holds a NaN).</summary>
    public double Update(double value)
    {
        if (_window.RunLength)
        {
            // The oldest bar is the front run's value: the run-length view is the window, no ring needed.
            bool isFull = _window.Full;
            return _window.Update(value, isFull ? _window.Oldest : double.NaN, isFull, default, default);
        }

        bool full = _ring.IsFull;
        double old = _ring.Push(value);
        _ring.Parts(out var older, out var newer);
        return _window.Update(value, old, full, older, newer);
    }
}

/// <summary>
/// The step of <see cref="Indicators.RollingPercentile"/>: counts of the window's values below and equal to the newest
/// one, kept in O(1) while the value repeats (carried-forward snapshots) and recounted when it changes — by a vector scan
/// of the window for windows up to <see cref="ScanLimit"/> bars, else from a run-length view of the window and a
/// weighted sorted multiset that is updated once per run, not once per bar.
/// </summary>
internal sealed class PercentileWindow : IDisposable
{
    private const int ScanLimit = 1024;
    private readonly int _period;
    private readonly bool _pooled;
    private readonly SortedMultiset? _set;
    private double[] _runValue = [];
    private int[] _runCount = [];
    private int _head;
    private int _runs;
    private int _frontPending;
    private int _backPending;
    private int _count;
    private int _nan;
    private double _last = double.NaN;
    private bool _valid;
    private int _less;
    private int _equal;

    /// <summary>Whether the window is kept as runs and a multiset (longer than the scan limit): then it needs no
    /// <c>older</c>/<c>newer</c> spans, and <see cref="Oldest"/> is the outgoing value.</summary>
    public bool RunLength => _set is not null;

    /// <summary>Whether <c>period</c> values have been fed (the next update removes one).</summary>
    public bool Full => _count == _period;

    /// <summary>The oldest value of a full run-length window (its front run's value; NaN for a NaN bar).</summary>
    public double Oldest => _runValue[_head];

    public PercentileWindow(int period, bool pooled)
    {
        _period = period;
        _pooled = pooled;
        if (period > ScanLimit)
        {
            _set = new SortedMultiset(period, pooled);
            _runValue = pooled ? ArrayPool<double>.Shared.Rent(period + 1) : new double[period + 1];
            _runCount = pooled ? ArrayPool<int>.Shared.Rent(period + 1) : new int[period + 1];
        }
    }

    /// <summary>Feeds one bar. <paramref name="older"/> + <paramref name="newer"/> are the window's values in chronological
    /// order, the incoming one included (read only by the scan when the value changes).</summary>
    public double Update(double incoming, double outgoing, bool full, ReadOnlySpan<double> older, ReadOnlySpan<double> newer)
    {
        if (full)
        {
            _nan -= double.IsNaN(outgoing) ? 1 : 0;
            if (_set is not null)
            {
                ExpireFront();
            }
        }
        else
        {
            _count++;
        }

        bool nan = double.IsNaN(incoming);
        _nan += nan ? 1 : 0;
        bool repeat = _valid && incoming == _last;
        if (_set is not null)
        {
            AppendBack(incoming);
        }

        if (nan)
        {
            _valid = false;
            _last = double.NaN;
            return double.NaN;
        }

        if (repeat)
        {
            // The value repeats: only the outgoing bar changes the counts (the incoming one is another equal value).
            if (full)
            {
                _less -= outgoing < incoming ? 1 : 0;
                _equal -= outgoing == incoming ? 1 : 0;
            }

            _equal++;
        }
        else if (_set is null)
        {
            var (l1, e1) = Percentile.Count(older, incoming);
            var (l2, e2) = Percentile.Count(newer, incoming);
            _less = l1 + l2;
            _equal = e1 + e2;
        }
        else
        {
            // The multiset holds the window but for the incoming bar (pending at the back) and plus the front run's expired
            // bars (pending removal, all of the front run's value): correct the counts instead of flushing.
            var (less, equal) = _set.Rank(incoming);
            double front = _runValue[_head];
            int expired = _runs == 1 ? 0 : _frontPending; // a lone run is the incoming one: nothing of it is in the set
            _less = less - (front < incoming ? expired : 0);
            _equal = equal - (front == incoming ? expired : 0) + 1;
        }

        _last = incoming;
        _valid = true;
        return _count == _period && _nan == 0 ? Percentile.Of(_less, _equal, _period) : double.NaN;
    }

    public void Dispose()
    {
        _set?.Dispose();
        if (_pooled && _set is not null && _runValue.Length > 0)
        {
            ArrayPool<double>.Shared.Return(_runValue);
            ArrayPool<int>.Shared.Return(_runCount);
            _runValue = [];
            _runCount = [];
        }
    }

    private int Back => Wrap(_head + _runs - 1);

    private int Wrap(int i) => i >= _runValue.Length ? i - _runValue.Length : i;

    private static bool Same(double a, double b) => a == b || (double.IsNaN(a) && double.IsNaN(b));

    private void AppendBack(double x)
    {
        if (_runs > 0 && Same(_runValue[Back], x))
        {
            _runCount[Back]++;
            _backPending++;
            return;
        }

        FlushBack();
        int at = Wrap(_head + _runs);
        _runValue[at] = x;
        _runCount[at] = 1;
        _runs++;
        _backPending = 1;
    }

    private void ExpireFront()
    {
        _frontPending++;
        if (--_runCount[_head] == 0)
        {
            if (_runs == 1)
            {
                FlushBack();
            }

            FlushFront();
            _head = Wrap(_head + 1);
            _runs--;
        }
    }

    /// <summary>Moves the pending bars of the back run into the multiset.</summary>
    private void FlushBack()
    {
        if (_backPending > 0 && _runs > 0)
        {
            _set!.Add(_runValue[Back], _backPending);
        }

        _backPending = 0;
    }

    /// <summary>Removes the front run's expired bars from the multiset.</summary>
    private void FlushFront()
    {
        if (_frontPending == 0)
        {
            return;
        }

        if (_runs == 1 && _backPending > 0)
        {
            FlushBack(); // the front run is also the back run: its pending bars go in before its expired ones leave
        }

        _set!.Remove(_runValue[_head], _frontPending);
        _frontPending = 0;
    }
}

/// <summary>
/// A weighted multiset of doubles (NaN is ignored): distinct keys with counts, kept sorted in blocks of at most
/// <see cref="Capacity"/> keys. Add, remove and rank cost a binary search over the blocks' last keys (contiguous), one
/// in the block, a shift inside it and a vector sum of the block weights before it — O(√n). Blocks split when full and
/// merge with a neighbour below a quarter, so there are at most <c>8k / Capacity + 2</c> blocks for k keys.
/// </summary>
internal sealed class SortedMultiset : IDisposable
{
    private const int Capacity = 128;
    private bool _pooled;
    private double[] _keys;    // block id b holds its sorted keys in [b·Capacity, b·Capacity + entries)
    private int[] _counts;     // the keys' counts, same layout
    private int[] _order;      // block ids in key order
    private int[] _entries;    // keys per position in _order
    private int[] _weights;    // Σ counts per position (contiguous, so their prefix sums vectorize)
    private double[] _lasts;   // last key per position (contiguous, for the block search)
    private int[] _free;
    private int _freeCount;
    private int _blocks;

    public SortedMultiset(int maxKeys, bool pooled = true)
    {
        _pooled = pooled;
        int maxBlocks = (8 * maxKeys / Capacity) + 3;
        _keys = Rent<double>(maxBlocks * Capacity);
        _counts = Rent<int>(maxBlocks * Capacity);
        _order = Rent<int>(maxBlocks);
        _entries = Rent<int>(maxBlocks);
        _weights = Rent<int>(maxBlocks);
        _lasts = Rent<double>(maxBlocks);
        _free = Rent<int>(maxBlocks);
        for (int b = maxBlocks - 1; b >= 0; b--)
        {
            _free[_freeCount++] = b;
        }
    }

    public void Add(double x, int weight)
    {
        if (double.IsNaN(x) || weight <= 0)
        {
            return;
        }

        if (_blocks == 0)
        {
            int id = TakeFreeBlock();
            _order[0] = id;
            _entries[0] = 1;
            _weights[0] = weight;
            _lasts[0] = x;
            _keys[id * Capacity] = x;
            _counts[id * Capacity] = weight;
            _blocks = 1;
            return;
        }

        int p = FirstBlockWithLastAtLeast(x);
        if (p == _blocks)
        {
            p--;
        }

        int size = _entries[p];
        var keys = _keys.AsSpan(_order[p] * Capacity, Capacity);
        var counts = _counts.AsSpan(_order[p] * Capacity, Capacity);
        int at = LowerBound(keys[..size], x);
        _weights[p] += weight;
        if (at < size && keys[at] == x)
        {
            counts[at] += weight;
            return;
        }

        keys[at..size].CopyTo(keys[(at + 1)..]);
        counts[at..size].CopyTo(counts[(at + 1)..]);
        keys[at] = x;
        counts[at] = weight;
        _entries[p] = ++size;
        _lasts[p] = keys[size - 1];
        if (size == Capacity)
        {
            Split(p);
        }
    }

    public void Remove(double x, int weight)
    {
        if (double.IsNaN(x) || weight <= 0)
        {
            return;
        }

        int p = FirstBlockWithLastAtLeast(x);
        int size = p < _blocks ? _entries[p] : 0;
        var keys = p < _blocks ? _keys.AsSpan(_order[p] * Capacity, size) : default;
        var counts = p < _blocks ? _counts.AsSpan(_order[p] * Capacity, size) : default;
        int at = p < _blocks ? LowerBound(keys, x) : 0;
        if (p == _blocks || at == size || keys[at] != x || counts[at] < weight)
        {
            throw new InvalidOperationException($"Internal error: the value {x:R} is not in the window {weight} time(s).");
        }

        _weights[p] -= weight;
        if ((counts[at] -= weight) > 0)
        {
            return;
        }

        keys[(at + 1)..].CopyTo(keys[at..]);
        counts[(at + 1)..].CopyTo(counts[at..]);
        _entries[p] = --size;
        if (size == 0)
        {
            RemoveBlockAt(p);
            return;
        }

        _lasts[p] = keys[size - 1];
        if (size < Capacity / 4)
        {
            if (p + 1 < _blocks && size + _entries[p + 1] < Capacity)
            {
                Merge(p);
            }
            else if (p > 0 && size + _entries[p - 1] < Capacity)
            {
                Merge(p - 1);
            }
        }
    }

    /// <summary>Total weight of the keys below <paramref name="x"/>, and the count of <paramref name="x"/> itself.</summary>
    public (int Less, int Equal) Rank(double x)
    {
        int p = FirstBlockWithLastAtLeast(x);
        int less = Sum(_weights.AsSpan(0, p));
        if (p == _blocks)
        {
            return (less, 0);
        }

        int size = _entries[p];
        var keys = _keys.AsSpan(_order[p] * Capacity, size);
        var counts = _counts.AsSpan(_order[p] * Capacity, size);
        int at = LowerBound(keys, x);
        less += Sum(counts[..at]);
        return (less, at < size && keys[at] == x ? counts[at] : 0);
    }

    public void Dispose()
    {
        if (_pooled && _keys.Length > 0)
        {
            ArrayPool<double>.Shared.Return(_keys);
            ArrayPool<int>.Shared.Return(_counts);
            ArrayPool<int>.Shared.Return(_order);
            ArrayPool<int>.Shared.Return(_entries);
            ArrayPool<int>.Shared.Return(_weights);
            ArrayPool<double>.Shared.Return(_lasts);
            ArrayPool<int>.Shared.Return(_free);
            _keys = _lasts = [];
            _counts = _order = _entries = _weights = _free = [];
        }
    }

    private T[] Rent<T>(int length) => _pooled ? ArrayPool<T>.Shared.Rent(length) : new T[length];

    /// <summary>The first block position whose last key is ≥ x, or the block count.</summary>
    private int FirstBlockWithLastAtLeast(double x) => LowerBound(_lasts.AsSpan(0, _blocks), x);

    /// <summary>The number of sorted values below x = the index of the first value ≥ x: a vector count, not a search (no
    /// chain of dependent loads; the values of a block or of the block ends are few and contiguous).</summary>
    private static int LowerBound(ReadOnlySpan<double> values, double x)
    {
        int i = 0;
        int count = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            var vx = Vector256.Create(x);
            var acc = Vector256<long>.Zero;
            ref double r = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - 4; i += 4)
            {
                acc -= Vector256.LessThan(Vector256.LoadUnsafe(ref r, (nuint)i), vx).AsInt64();
            }

            count = (int)Vector256.Sum(acc);
        }

        for (; i < values.Length; i++)
        {
            count += values[i] < x ? 1 : 0;
        }

        return count;
    }

    private static int Sum(ReadOnlySpan<int> values)
    {
        int sum = 0;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && values.Length >= System.Numerics.Vector<int>.Count)
        {
            var acc = System.Numerics.Vector<int>.Zero;
            for (; i <= values.Length - System.Numerics.Vector<int>.Count; i += System.Numerics.Vector<int>.Count)
            {
                acc += new System.Numerics.Vector<int>(values[i..]);
            }

            sum = System.Numerics.Vector.Sum(acc);
        }

        for (; i < values.Length; i++)
        {
            sum += values[i];
        }

        return sum;
    }

    private void Split(int position)
    {
        int nid = TakeFreeBlock();
        int id = _order[position];
        int half = Capacity / 2;
        _keys.AsSpan((id * Capacity) + half, Capacity - half).CopyTo(_keys.AsSpan(nid * Capacity));
        _counts.AsSpan((id * Capacity) + half, Capacity - half).CopyTo(_counts.AsSpan(nid * Capacity));
        int moved = Sum(_counts.AsSpan(nid * Capacity, Capacity - half));
        int tail = _blocks - position - 1;
        _order.AsSpan(position + 1, tail).CopyTo(_order.AsSpan(position + 2));
        _entries.AsSpan(position + 1, tail).CopyTo(_entries.AsSpan(position + 2));
        _weights.AsSpan(position + 1, tail).CopyTo(_weights.AsSpan(position + 2));
        _lasts.AsSpan(position + 1, tail).CopyTo(_lasts.AsSpan(position + 2));
        _order[position + 1] = nid;
        _entries[position + 1] = Capacity - half;
        _weights[position + 1] = moved;
        _lasts[position + 1] = _lasts[position];
        _entries[position] = half;
        _weights[position] -= moved;
        _lasts[position] = _keys[(id * Capacity) + half - 1];
        _blocks++;
    }

    /// <summary>Moves block position+1 into block position and frees it.</summary>
    private void Merge(int position)
    {
        int into = _order[position], from = _order[position + 1];
        int a = _entries[position], b = _entries[position + 1];
        _keys.AsSpan(from * Capacity, b).CopyTo(_keys.AsSpan((into * Capacity) + a));
        _counts.AsSpan(from * Capacity, b).CopyTo(_counts.AsSpan((into * Capacity) + a));
        _entries[position] = a + b;
        _weights[position] += _weights[position + 1];
        _lasts[position] = _lasts[position + 1];
        RemoveBlockAt(position + 1);
    }

    /// <summary>A free block id; the arrays double when none is left (only when more keys arrive than the capacity given).</summary>
    private int TakeFreeBlock()
    {
        if (_freeCount == 0)
        {
            _pooled = false; // resized arrays are not the pool's: never return them
            int old = _order.Length;
            int blocks = old * 2;
            Array.Resize(ref _keys, blocks * Capacity);
            Array.Resize(ref _counts, blocks * Capacity);
            Array.Resize(ref _order, blocks);
            Array.Resize(ref _entries, blocks);
            Array.Resize(ref _weights, blocks);
            Array.Resize(ref _lasts, blocks);
            Array.Resize(ref _free, blocks);
            for (int b = blocks - 1; b >= old; b--)
            {
                _free[_freeCount++] = b;
            }
        }

        return _free[--_freeCount];
    }

    private void RemoveBlockAt(int position)
    {
        _free[_freeCount++] = _order[position];
        int tail = _blocks - position - 1;
        _order.AsSpan(position + 1, tail).CopyTo(_order.AsSpan(position));
        _entries.AsSpan(position + 1, tail).CopyTo(_entries.AsSpan(position));
        _weights.AsSpan(position + 1, tail).CopyTo(_weights.AsSpan(position));
        _lasts.AsSpan(position + 1, tail).CopyTo(_lasts.AsSpan(position));
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
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            var vx = Vector256.Create(x);
            var accLess = Vector256<long>.Zero;
            var accEqual = Vector256<long>.Zero;
            ref double r = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i);
                accLess -= Vector256.LessThan(v, vx).AsInt64();   // all-ones lanes are −1
                accEqual -= Vector256.Equals(v, vx).AsInt64();
            }

            less = (int)Vector256.Sum(accLess);
            equal = (int)Vector256.Sum(accEqual);
        }

        for (; i < values.Length; i++)
        {
            double v = values[i];
            less += v < x ? 1 : 0;
            equal += v == x ? 1 : 0;
        }

        return (less, equal);
    }
}
