using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Mfi"/>: <c>period</c> (TA-Lib's MFI lookback).</summary>
    public static int MfiLookback(int period = 14)
    {
        Guard.Period(period, min: 2);
        return period;
    }

    /// <summary>
    /// Money flow index, as TA-Lib <c>MFI</c>: with TP = (H + L + C) / 3 and the raw money flow TP·V, the flow of bar t is
    /// positive when TP_t &gt; TP_(t−1), negative when TP_t &lt; TP_(t−1), and neither when TP is unchanged; over the last
    /// <paramref name="period"/> flows, <c>MFI = 100 · Σpos / (Σpos + Σneg)</c>, and 0 when <c>Σpos + Σneg &lt; 1</c>
    /// (TA-Lib's rule).
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="period">Number of flows in the window (≥ 2; TA-Lib default 14).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback <c>period</c> (the first flow needs the previous bar's TP). TA-Lib's arithmetic (the outgoing flow is
    /// subtracted, then the incoming one added), except that both sums are also recomputed exactly from the window every
    /// 1,024 bars so that they never drift on long series; values agree with TA-Lib to ~1e-13 relative.</para>
    /// <para>NaN rule: the flow of bar t is missing when TP_t, TP_(t−1) or V_t is NaN; the output is NaN while the window
    /// holds a missing flow (so a NaN bar affects the outputs t … t + period), and once the last missing flow leaves,
    /// the sums are recomputed from the window in TA-Lib's order, so the recovered values are those of a fresh start on
    /// the data after the gap (bit for bit up to the next periodic recomputation).
    /// Bit-identical to looping <see cref="MfiState.Update"/>.</para>
    /// </remarks>
    public static void Mfi(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume,
        int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        CheckHlcv(high, low, close, volume, destination);
        var posRing = Scratch.Rent(period);
        var negRing = Scratch.Rent(period);
        try
        {
            var state = new MfiState(period, posRing, negRing);
            ref double h = ref MemoryMarshal.GetReference(high);
            ref double l = ref MemoryMarshal.GetReference(low);
            ref double c = ref MemoryMarshal.GetReference(close);
            ref double v = ref MemoryMarshal.GetReference(volume);
            ref double d = ref MemoryMarshal.GetReference(destination);
            ref double pr = ref MemoryMarshal.GetArrayDataReference(posRing);
            ref double nr = ref MemoryMarshal.GetArrayDataReference(negRing);
            int n = high.Length;
            int i = 0;
            while (i < n)
            {
                if (state.IsSteady)
                {
                    // Steady state on locals: exactly MfiState.Update on valid bars, up to the next exact recomputation.
                    int blockEnd = Math.Min(n, (i / RecomputeInterval + 1) * RecomputeInterval);
                    double pos = state.PositiveSum, neg = state.NegativeSum, previous = state.PreviousTypical;
                    int k = state.Index;
                    for (; i < blockEnd; i++)
                    {
                        double tp = (Unsafe.Add(ref h, i) + Unsafe.Add(ref l, i) + Unsafe.Add(ref c, i)) / 3.0;
                        double mf = tp * Unsafe.Add(ref v, i);
                        double diff = tp - previous;
                        if (double.IsNaN(mf + diff))
                        {
                            break;
                        }

                        double p = MfiState.Positive(diff, mf);
                        double q = MfiState.Negative(diff, mf);
                        pos -= Unsafe.Add(ref pr, k);
                        neg -= Unsafe.Add(ref nr, k);
                        pos += p;
                        neg += q;
                        Unsafe.Add(ref pr, k) = p;
                        Unsafe.Add(ref nr, k) = q;
                        k = k + 1 == period ? 0 : k + 1;
                        previous = tp;
                        Unsafe.Add(ref d, i) = MfiState.Index100(pos, neg);
                    }

                    state.Continue(pos, neg, previous, k, i);
                    if (i == n)
                    {
                        break;
                    }

                    if (i == blockEnd)
                    {
                        continue;
                    }
                }

                Unsafe.Add(ref d, i) = state.Update(Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i), Unsafe.Add(ref v, i));
                i++;
            }
        }
        finally
        {
            Scratch.Return(posRing);
            Scratch.Return(negRing);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Mfi"/> (TA-Lib MFI; a missing flow makes its windows NaN).</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct MfiState
{
    private readonly double[] _pos;
    private readonly double[] _neg;
    private readonly int _period;
    private int _index;
    private int _filled;
    private int _nanCount;
    private int _updates;
    private double _posSum;
    private double _negSum;
    private double _previousTypical;

    /// <summary>Creates the state for a window of <paramref name="period"/> flows (≥ 2).</summary>
    public MfiState(int period) : this(period, new double[Math.Max(period, 2)], new double[Math.Max(period, 2)])
    {
    }

    internal MfiState(int period, double[] positive, double[] negative)
    {
        Guard.Period(period, min: 2);
        _pos = positive;
        _neg = negative;
        _period = period;
        _index = 0;
        _filled = 0;
        _nanCount = 0;
        _updates = 0;
        _posSum = 0;
        _negSum = 0;
        _previousTypical = double.NaN;
    }

    internal readonly bool IsSteady => _filled == _period && _nanCount == 0;

    internal readonly double PositiveSum => _posSum;

    internal readonly double NegativeSum => _negSum;

    internal readonly double PreviousTypical => _previousTypical;

    internal readonly int Index => _index;

    /// <summary>The positive flow: <c>mf</c> when TP rose, else 0 (as <c>mf · 1</c> or <c>mf · 0</c>, exact and branch-free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Positive(double diff, double moneyFlow) => moneyFlow * (diff > 0 ? 1 : 0);

    /// <summary>The negative flow: <c>mf</c> when TP fell, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Negative(double diff, double moneyFlow) => moneyFlow * (diff < 0 ? 1 : 0);

    /// <summary>TA-Lib's output: <c>100 · pos / (pos + neg)</c>, and 0 when <c>pos + neg &lt; 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Index100(double positive, double negative)
    {
        double total = positive + negative;
        return total < 1.0 ? 0.0 : 100.0 * (positive / total);
    }

    /// <summary>Hands the steady state back after the batch kernel ran it on locals up to update number <paramref name="updates"/>.</summary>
    internal void Continue(double positive, double negative, double previousTypical, int index, int updates)
    {
        _posSum = positive;
        _negSum = negative;
        _previousTypical = previousTypical;
        _index = index;
        _updates = updates;
        AfterUpdate();
    }

    /// <summary>Adds the next bar and returns the MFI (NaN until <c>period</c> flows are known and while a missing flow is in the window).</summary>
    public double Update(double high, double low, double close, double volume)
    {
        double tp = (high + low + close) / 3.0;
        double mf = tp * volume;
        double diff = tp - _previousTypical;
        _previousTypical = tp;
        bool missing = double.IsNaN(diff) || double.IsNaN(mf);
        bool full = _filled == _period;
        bool recompute = false;
        if (full)
        {
            double pOut = _pos[_index];
            if (double.IsNaN(pOut))
            {
                recompute = --_nanCount == 0 && !missing;
            }
            else
            {
                _posSum -= pOut;
                _negSum -= _neg[_index];
            }
        }
        else
        {
            _filled++;
        }

        if (missing)
        {
            _pos[_index] = double.NaN;
            _neg[_index] = double.NaN;
            _nanCount++;
        }
        else
        {
            double p = Positive(diff, mf);
            double q = Negative(diff, mf);
            _posSum += p;
            _negSum += q;
            _pos[_index] = p;
            _neg[_index] = q;
        }

        _index = _index + 1 == _period ? 0 : _index + 1;
        if (recompute)
        {
            Recompute();
        }

        double result = _filled == _period && _nanCount == 0 ? Index100(_posSum, _negSum) : double.NaN;
        _updates++;
        AfterUpdate();
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AfterUpdate()
    {
        if (_updates % Indicators.RecomputeInterval == 0 && _nanCount == 0)
        {
            Recompute();
        }
    }

    /// <summary>Sums the window's flows in chronological order from 0 (TA-Lib's own accumulation of a first window).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // rare, but inlined so that Update makes no call on any path
    private void Recompute()
    {
        double pos = 0, neg = 0;
        int count = _filled;
        int k = _filled == _period ? _index : 0;
        for (int j = 0; j < count; j++)
        {
            pos += _pos[k];
            neg += _neg[k];
            k = k + 1 == _period ? 0 : k + 1;
        }

        _posSum = pos;
        _negSum = neg;
    }
}
