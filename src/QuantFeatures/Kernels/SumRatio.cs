using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RollingSumRatio"/>: <c>period − 1</c>.</summary>
    public static int RollingSumRatioLookback(int period)
    {
        Guard.Period(period);
        return period - 1;
    }

    /// <summary>
    /// Ratio of two windowed sums: <c>Σ numerator / Σ denominator</c> over the last <paramref name="period"/> bars
    /// (a weighted mean when the numerator is <c>value · weight</c> and the denominator is the weight: VWAP, CMF).
    /// </summary>
    /// <param name="numerator">Per-bar numerator terms.</param>
    /// <param name="denominator">Per-bar denominator terms (e.g. volume).</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback <c>period − 1</c>. A bar is missing when either of its two terms is NaN; the output is NaN while
    /// the window holds a missing bar, NaN when every denominator term of the window is 0 (counted exactly, so rounding
    /// left in the running sum can never produce a huge quotient), and NaN when the quotient is not finite.</para>
    /// <para>Numerics: both running sums are updated as <c>sum += x_in − x_out</c> and recomputed exactly from the window
    /// every 1,024 bars, so they never drift. Bit-identical to looping <see cref="RollingSumRatioState.Update"/>.</para>
    /// </remarks>
    public static void RollingSumRatio(ReadOnlySpan<double> numerator, ReadOnlySpan<double> denominator, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(numerator.Length, denominator.Length, nameof(denominator));
        CheckDestination(numerator.Length, destination);
        var w = new PairWindowSum(period);
        ref double a = ref MemoryMarshal.GetReference(numerator);
        ref double b = ref MemoryMarshal.GetReference(denominator);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = numerator.Length;
        int i = 0;
        while (i < n)
        {
            int blockEnd = (int)Math.Min(n, ((long)(i / w.Interval) + 1) * w.Interval);
            if (i >= period && w.NanCount == 0)
            {
                // Fast path on locals: exactly PairWindowSum.Slide on clean pairs; redone by the careful path if a NaN shows up.
                double sa = w.SumA, sb = w.SumB;
                int nonZero = w.NonZero;
                for (int j = i; j < blockEnd; j++)
                {
                    double bIn = Unsafe.Add(ref b, j), bOut = Unsafe.Add(ref b, j - period);
                    sa += Unsafe.Add(ref a, j) - Unsafe.Add(ref a, j - period);
                    sb += bIn - bOut;
                    nonZero += (bIn != 0 ? 1 : 0) - (bOut != 0 ? 1 : 0);
                    Unsafe.Add(ref dst, j) = PairWindowSum.Quotient(sa, sb, nonZero);
                }

                if (!double.IsNaN(sa + sb))
                {
                    w.SumA = sa;
                    w.SumB = sb;
                    w.NonZero = nonZero;
                    i = blockEnd;
                    w.AfterBlock(numerator, denominator, i);
                    continue;
                }
            }

            for (; i < blockEnd; i++)
            {
                bool full = i >= period;
                w.Slide(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i),
                    full ? Unsafe.Add(ref a, i - period) : double.NaN, full ? Unsafe.Add(ref b, i - period) : double.NaN, full);
                Unsafe.Add(ref dst, i) = i >= period - 1 && w.NanCount == 0 ? PairWindowSum.Quotient(w.SumA, w.SumB, w.NonZero) : double.NaN;
            }

            w.AfterBlock(numerator, denominator, i);
        }
    }
}

/// <summary>
/// The shared step of two windowed sums over the same bars (numerator and denominator of a ratio): a bar whose two
/// terms are not both valid is counted apart as missing, the count of non-zero denominator terms is exact, and both
/// sums are recomputed exactly from the window every 1,024 updates.
/// </summary>
internal struct PairWindowSum
{
    public readonly int Period;
    public readonly int Interval;
    public double SumA;
    public double SumB;
    public int NanCount;
    public int NonZero;

    public PairWindowSum(int period)
    {
        Period = period;
        Interval = Indicators.SumRecomputeInterval(period);
        SumA = 0;
        SumB = 0;
        NanCount = 0;
        NonZero = 0;
    }

    /// <summary>Σa / Σb; NaN when every b of the window is 0 or the quotient is not finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Quotient(double sumA, double sumB, int nonZero) => nonZero > 0 ? Ratio.Divide(sumA, sumB) : double.NaN;

    /// <summary>Adds the pair (<paramref name="aIn"/>, <paramref name="bIn"/>); removes the outgoing pair when <paramref name="full"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slide(double aIn, double bIn, double aOut, double bOut, bool full)
    {
        bool inNan = double.IsNaN(aIn) || double.IsNaN(bIn);
        if (full)
        {
            bool outNan = double.IsNaN(aOut) || double.IsNaN(bOut);
            if (!inNan && !outNan)
            {
                SumA += aIn - aOut;
                SumB += bIn - bOut;
                NonZero += (bIn != 0 ? 1 : 0) - (bOut != 0 ? 1 : 0);
                return;
            }

            if (outNan)
            {
                NanCount--;
            }
            else
            {
                SumA -= aOut;
                SumB -= bOut;
                NonZero -= bOut != 0 ? 1 : 0;
            }
        }

        if (inNan)
        {
            NanCount++;
        }
        else
        {
            SumA += aIn;
            SumB += bIn;
            NonZero += bIn != 0 ? 1 : 0;
        }
    }

    /// <summary>Called after update number <paramref name="updates"/> (1-based); recomputes exactly at multiples of the interval.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterBlock(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int updates)
    {
        if (updates % Interval == 0)
        {
            int start = Math.Max(0, updates - Period);
            Reset();
            Accumulate(a.Slice(start, updates - start), b.Slice(start, updates - start));
        }
    }

    /// <summary>Clears the sums before an exact recomputation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    public void Reset()
    {
        SumA = 0;
        SumB = 0;
        NonZero = 0;
    }

    /// <summary>Adds the valid pairs of a part of the window, in chronological order (call for each part in turn).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // also inlined into the streaming state's Update
    public void Accumulate(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        for (int k = 0; k < a.Length; k++)
        {
            double x = a[k], y = b[k];
            if (!double.IsNaN(x) && !double.IsNaN(y))
            {
                SumA += x;
                SumB += y;
                NonZero += y != 0 ? 1 : 0;
            }
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.RollingSumRatio"/>: <c>Σ numerator / Σ denominator</c> over a window.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct RollingSumRatioState
{
    private Ring _a;
    private Ring _b;
    private PairWindowSum _sum;
    private int _updates;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public RollingSumRatioState(int period)
    {
        Guard.Period(period);
        _a = new Ring(period);
        _b = new Ring(period);
        _sum = new PairWindowSum(period);
        _updates = 0;
    }

    /// <summary>Adds the next pair of terms and returns <c>Σ numerator / Σ denominator</c> over the window (NaN until
    /// the window is full, while it holds a missing bar, or when every denominator term is 0).</summary>
    public double Update(double numerator, double denominator)
    {
        bool full = _a.IsFull;
        double aOut = _a.Push(numerator);
        double bOut = _b.Push(denominator);
        _sum.Slide(numerator, denominator, aOut, bOut, full);
        double result = _a.IsFull && _sum.NanCount == 0 ? PairWindowSum.Quotient(_sum.SumA, _sum.SumB, _sum.NonZero) : double.NaN;
        if (Indicators.IsMultiple(++_updates, _sum.Interval))
        {
            _a.Parts(out var olderA, out var newerA);
            _b.Parts(out var olderB, out var newerB);
            _sum.Reset();
            _sum.Accumulate(olderA, olderB);
            _sum.Accumulate(newerA, newerB);
        }

        return result;
    }
}
