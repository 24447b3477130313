using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="TrendDirection"/>: <c>max(emaPeriod − 1, atrPeriod)</c> (the later of the EMA and ATR lookbacks).</summary>
    public static int TrendDirectionLookback(int emaPeriod, int atrPeriod)
    {
        Guard.Period(emaPeriod, nameof(emaPeriod));
        Guard.Period(atrPeriod, nameof(atrPeriod));
        return Math.Max(emaPeriod - 1, atrPeriod);
    }

    /// <summary>
    /// Trend direction: <c>+1</c> if <c>C − EMA(C, emaPeriod) &gt; threshold · ATR(atrPeriod)</c>, <c>−1</c> if
    /// <c>&lt; −threshold · ATR</c>, else <c>0</c>.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="emaPeriod">EMA period (TA-Lib EMA, SMA-seeded; 20 in the catalogue).</param>
    /// <param name="atrPeriod">ATR period (TA-Lib ATR; 14 in the catalogue).</param>
    /// <param name="threshold">Band width in ATRs (finite, ≥ 0; 0.1 in the catalogue).</param>
    /// <param name="destination">Output −1, 0, +1 or NaN.</param>
    /// <remarks>
    /// <para>Lookback <c>max(emaPeriod − 1, atrPeriod)</c>. The comparisons are strict: exactly on the band is 0. A distance
    /// |C − EMA| ≤ 2⁻⁴⁶·|C| (64 ulp: the EMA of a constant equals it only up to rounding) counts as 0, so a flat market
    /// (ATR = 0) is 0 rather than ±1 on rounding noise.</para>
    /// <para>NaN rule: NaN while the EMA or the ATR is NaN; both restart their seeding after a NaN input (see
    /// <see cref="Ema"/> and <see cref="Atr"/>). Bit-identical to looping <see cref="TrendDirectionState.Update"/>.</para>
    /// </remarks>
    public static void TrendDirection(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, int emaPeriod, int atrPeriod,
        double threshold, Span<double> destination)
    {
        Guard.Period(emaPeriod, nameof(emaPeriod));
        Guard.Period(atrPeriod, nameof(atrPeriod));
        CheckThreshold(threshold);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        CheckDestination(high.Length, destination);
        int n = high.Length;
        var ema = Scratch.Rent(n);
        try
        {
            Ema(close, emaPeriod, ema.AsSpan(0, n));
            Atr(high, low, close, atrPeriod, destination);
            TrendDirectionFrom(close, ema.AsSpan(0, n), destination[..n], threshold, destination);
        }
        finally
        {
            Scratch.Return(ema);
        }
    }

    /// <summary>Trend direction from precomputed EMA and ATR columns (<paramref name="destination"/> may alias either).</summary>
    internal static void TrendDirectionFrom(ReadOnlySpan<double> close, ReadOnlySpan<double> ema, ReadOnlySpan<double> atr, double threshold,
        Span<double> destination)
    {
        for (int i = 0; i < close.Length; i++)
        {
            destination[i] = TrendDirectionState.Classify(close[i], ema[i], atr[i], threshold);
        }
    }

    private static void CheckThreshold(double threshold)
    {
        Guard.Finite(threshold, nameof(threshold));
        if (threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Parameter 'threshold' must be ≥ 0.");
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.TrendDirection"/> (an <see cref="EmaState"/> and an <see cref="AtrState"/>).</summary>
public struct TrendDirectionState
{
    private EmaState _ema;
    private AtrState _atr;
    private readonly double _threshold;

    /// <summary>Creates the state (catalogue: EMA 20, ATR 14, threshold 0.1).</summary>
    public TrendDirectionState(int emaPeriod, int atrPeriod, double threshold)
    {
        Guard.Period(emaPeriod, nameof(emaPeriod));
        Guard.Period(atrPeriod, nameof(atrPeriod));
        Guard.Finite(threshold, nameof(threshold));
        if (threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Parameter 'threshold' must be ≥ 0.");
        }

        _ema = new EmaState(emaPeriod);
        _atr = new AtrState(atrPeriod);
        _threshold = threshold;
    }

    /// <summary>Adds the next bar and returns −1, 0, +1, or NaN while the EMA or ATR is seeding.</summary>
    public double Update(double high, double low, double close) => UpdateWith(close, _atr.Update(high, low, close));

    /// <summary><see cref="Update"/> given the ATR of this bar from an <see cref="AtrState"/> of the same period fed the same
    /// bars (the one inside this state is then left as it is: a fused step that computes atr_14 too passes its value).</summary>
    internal double UpdateWith(double close, double atr) => Classify(close, _ema.Update(close), atr, _threshold);

    /// <summary>Relative size of C − EMA treated as rounding noise: 2⁻⁴⁶ (64 units in the last place of C).</summary>
    internal const double RoundingNoise = 1.0 / (1L << 46);

    /// <summary>+1 if C − EMA &gt; threshold·ATR, −1 if &lt; −threshold·ATR, 0 otherwise (and 0 when |C − EMA| ≤ 2⁻⁴⁶·|C|);
    /// NaN if any input is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Classify(double close, double ema, double atr, double threshold)
    {
        double d = close - ema;
        double band = threshold * atr;
        if (double.IsNaN(d) || double.IsNaN(band))
        {
            return double.NaN;
        }

        // The EMA of a constant equals it only up to rounding (a few ulp), and a flat market has ATR = 0: without this
        // noise floor a flat market would flip between +1 and −1 on rounding.
        if (Math.Abs(d) <= RoundingNoise * Math.Abs(close))
        {
            return 0.0;
        }

        // Branchless: the sign changes unpredictably from bar to bar.
        return (d > band ? 1 : 0) - (d < -band ? 1 : 0);
    }
}
