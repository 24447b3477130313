using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="RelativeToMean"/>: <c>period − 1</c>.</summary>
    public static int RelativeToMeanLookback(int period) => SmaLookback(period);

    /// <summary>Value relative to its own rolling mean: <c>x_t / mean(x[t−period+1 .. t])</c> (e.g. relative volume).</summary>
    /// <param name="source">Input series.</param>
    /// <param name="period">Window length in bars (≥ 1); the window includes the current bar.</param>
    /// <param name="destination">Output, at least as long as the input.</param>
    /// <remarks>Lookback <c>period − 1</c>. NaN while the window holds a NaN and when the mean is 0 (division by zero).
    /// Mean as <see cref="Sma"/>; with <c>period</c> 1 the result is exactly 1 (x / x). Bit-identical to looping <see cref="RelativeToMeanState.Update"/>.</remarks>
    public static void RelativeToMean(ReadOnlySpan<double> source, int period, Span<double> destination)
    {
        if (period == 1)
        {
            // A one-bar mean is the value itself (the running sum of Sma could differ from it by an ulp).
            CheckDestination(source.Length, destination);
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = Ratio.Divide(source[i], source[i]);
            }

            return;
        }

        Sma(source, period, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Ratio.Divide(source[i], destination[i]);
        }
    }

    /// <summary>Leading NaN count of <see cref="ForceIndex"/>: <c>period</c> (the first raw force is at bar 1).</summary>
    public static int ForceIndexLookback(int period = 13)
    {
        Guard.Period(period);
        return period;
    }

    /// <summary>
    /// Elder's force index: the TA-Lib-style EMA (SMA-seeded, α = 2 / (period + 1)) of the raw force
    /// <c>(C_t − C_(t−1)) · V_t</c>.
    /// </summary>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="period">EMA period (≥ 1; 13 in the catalogue).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period</c>: the seed is the mean of the raw forces of bars 1 … period. EMA as <see cref="Ema"/>.
    /// NaN rule: a NaN close or volume makes the raw force of its bar (and, for the close, of the next bar) NaN, which
    /// outputs NaN and restarts the EMA's seeding. Bit-identical to looping <see cref="ForceIndexState.Update"/>.</remarks>
    public static void ForceIndex(ReadOnlySpan<double> close, ReadOnlySpan<double> volume, int period, Span<double> destination)
    {
        Guard.Period(period);
        Guard.SameLength(close.Length, volume.Length, nameof(volume));
        CheckDestination(close.Length, destination);
        double previous = double.NaN;
        for (int i = 0; i < close.Length; i++)
        {
            double c = close[i];
            destination[i] = (c - previous) * volume[i];
            previous = c;
        }

        Ema(destination[..close.Length], period, destination);
    }

    /// <summary>Leading NaN count of <see cref="PriceVolumeCorrelation"/>: <c>period − 1</c>.</summary>
    public static int PriceVolumeCorrelationLookback(int period = 20) => RollingCovarianceLookback(period);

    /// <summary>Rolling Pearson correlation of the close and the log volume <c>ln(V + 1)</c> (Qlib Alpha158 <c>CORR</c>).</summary>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="period">Window length in bars (≥ 2).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period − 1</c>. NaN while the window holds a NaN close or volume (or a volume ≤ −1), and NaN when
    /// the close or the volume is constant over the window. Numerics as <see cref="RollingCorrelation"/>.
    /// Bit-identical to looping <see cref="PriceVolumeCorrelationState.Update"/>.</remarks>
    public static void PriceVolumeCorrelation(ReadOnlySpan<double> close, ReadOnlySpan<double> volume, int period, Span<double> destination)
    {
        Guard.Period(period, min: 2);
        Guard.SameLength(close.Length, volume.Length, nameof(volume));
        CheckDestination(close.Length, destination);
        int n = close.Length;
        var logVolume = Scratch.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                logVolume[i] = PriceVolumeCorrelationState.LogVolume(volume[i]);
            }

            RollingCorrelation(close, logVolume.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(logVolume);
        }
    }

    /// <summary>Taker-buy share of the volume: <c>taker_buy_volume / V</c>.</summary>
    /// <param name="takerBuyVolume">Base volume of trades whose taker bought.</param>
    /// <param name="volume">Base volume.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback 0; point-wise (the step is <see cref="OrderFlow.TakerBuyRatio"/>). NaN when either input is NaN or V = 0.</remarks>
    public static void TakerBuyRatio(ReadOnlySpan<double> takerBuyVolume, ReadOnlySpan<double> volume, Span<double> destination)
    {
        CheckPair(takerBuyVolume, volume, destination);
        for (int i = 0; i < volume.Length; i++)
        {
            destination[i] = OrderFlow.TakerBuyRatio(takerBuyVolume[i], volume[i]);
        }
    }

    /// <summary>Taker buy/sell volume ratio: <c>taker_buy_volume / (V − taker_buy_volume)</c>.</summary>
    /// <param name="takerBuyVolume">Base volume of trades whose taker bought.</param>
    /// <param name="volume">Base volume.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback 0; point-wise (the step is <see cref="OrderFlow.BuySellRatio"/>). NaN when either input is NaN or
    /// there is no taker-sell volume (V = taker_buy_volume).</remarks>
    public static void BuySellRatio(ReadOnlySpan<double> takerBuyVolume, ReadOnlySpan<double> volume, Span<double> destination)
    {
        CheckPair(takerBuyVolume, volume, destination);
        for (int i = 0; i < volume.Length; i++)
        {
            destination[i] = OrderFlow.BuySellRatio(takerBuyVolume[i], volume[i]);
        }
    }

    /// <summary>Average trade size: <c>V / trades</c>.</summary>
    /// <param name="volume">Base volume.</param>
    /// <param name="trades">Number of trades.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback 0; point-wise (the step is <see cref="OrderFlow.AverageTradeSize"/>). NaN when either input is NaN or trades = 0.</remarks>
    public static void AverageTradeSize(ReadOnlySpan<double> volume, ReadOnlySpan<double> trades, Span<double> destination)
    {
        CheckPair(volume, trades, destination);
        for (int i = 0; i < volume.Length; i++)
        {
            destination[i] = OrderFlow.AverageTradeSize(volume[i], trades[i]);
        }
    }

    /// <summary>Leading NaN count of <see cref="Cvd"/>: 0.</summary>
    public static int CvdLookback() => 0;

    /// <summary>
    /// Cumulative volume delta: <c>Σ (2 · taker_buy_volume − V)</c> from the first bar (taker buys minus taker sells).
    /// </summary>
    /// <param name="takerBuyVolume">Base volume of trades whose taker bought.</param>
    /// <param name="volume">Base volume.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback 0. The sum is compensated (Neumaier), so the value stays within a few ulps of the exact sum however
    /// long the series and however much the total swings through 0.</para>
    /// <para>NaN rule (a cumulative feature): a bar with a NaN input outputs NaN and contributes nothing; the sum continues
    /// from the last valid bar. Bit-identical to looping <see cref="CvdState.Update"/>.</para>
    /// </remarks>
    public static void Cvd(ReadOnlySpan<double> takerBuyVolume, ReadOnlySpan<double> volume, Span<double> destination)
    {
        CheckPair(takerBuyVolume, volume, destination);
        ref double tb = ref MemoryMarshal.GetReference(takerBuyVolume);
        ref double v = ref MemoryMarshal.GetReference(volume);
        ref double d = ref MemoryMarshal.GetReference(destination);
        double sum = 0, compensation = 0;
        for (int i = 0; i < volume.Length; i++)
        {
            double x = OrderFlow.SignedVolume(Unsafe.Add(ref tb, i), Unsafe.Add(ref v, i));
            if (double.IsNaN(x))
            {
                Unsafe.Add(ref d, i) = double.NaN;
                continue;
            }

            CvdState.Add(ref sum, ref compensation, x);
            Unsafe.Add(ref d, i) = sum + compensation;
        }
    }

    /// <summary>Leading NaN count of <see cref="TakerImbalance"/>: <c>period − 1</c>.</summary>
    public static int TakerImbalanceLookback(int period = 20) => RollingSumRatioLookback(period);

    /// <summary>Windowed volume delta as a share of the volume: <c>Σ(2 · taker_buy_volume − V) / ΣV</c> over the last
    /// <paramref name="period"/> bars (in [−1, 1]).</summary>
    /// <param name="takerBuyVolume">Base volume of trades whose taker bought.</param>
    /// <param name="volume">Base volume.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period − 1</c>. NaN while the window holds a bar with a NaN input, and NaN when the window's
    /// volume is 0. Sums as <see cref="RollingSumRatio"/>. Bit-identical to looping <see cref="TakerImbalanceState.Update"/>.</remarks>
    public static void TakerImbalance(ReadOnlySpan<double> takerBuyVolume, ReadOnlySpan<double> volume, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckPair(takerBuyVolume, volume, destination);
        int n = volume.Length;
        var delta = Scratch.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                delta[i] = OrderFlow.SignedVolume(takerBuyVolume[i], volume[i]);
            }

            RollingSumRatio(delta.AsSpan(0, n), volume, period, destination);
        }
        finally
        {
            Scratch.Return(delta);
        }
    }

    /// <summary>Leading NaN count of <see cref="Vpin"/>: <c>period − 1</c>.</summary>
    public static int VpinLookback(int period = 50) => SmaLookback(period);

    /// <summary>
    /// Bar-based VPIN proxy (volume-synchronized probability of informed trading on time bars): the mean of the
    /// order-flow imbalance <c>|2 · taker_buy_volume − V| / V</c> over the last <paramref name="period"/> bars.
    /// </summary>
    /// <param name="takerBuyVolume">Base volume of trades whose taker bought.</param>
    /// <param name="volume">Base volume.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period − 1</c>. A bar's term is NaN when an input is NaN or V = 0 (division by zero); the mean is
    /// NaN while the window holds a NaN term. Mean as <see cref="Sma"/>, exactly 0 when every term of the window is 0 and
    /// never negative. Bit-identical to looping <see cref="VpinState.Update"/>.</remarks>
    public static void Vpin(ReadOnlySpan<double> takerBuyVolume, ReadOnlySpan<double> volume, int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckPair(takerBuyVolume, volume, destination);
        int n = volume.Length;
        var terms = Scratch.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                terms[i] = OrderFlow.Imbalance(takerBuyVolume[i], volume[i]);
            }

            Sma(terms.AsSpan(0, n), period, destination);
            NonNegativeMean(terms.AsSpan(0, n), period, destination);
        }
        finally
        {
            Scratch.Return(terms);
        }
    }

    /// <summary>
    /// Fixes a rolling mean of non-negative terms in place: exactly 0 when the window's terms are all 0, and never
    /// below 0 (the running sum can leave a rounding residue of either sign once large terms have left the window).
    /// </summary>
    internal static void NonNegativeMean(ReadOnlySpan<double> terms, int period, Span<double> mean)
    {
        int zeros = 0;
        for (int i = 0; i < terms.Length; i++)
        {
            zeros = terms[i] == 0 ? zeros + 1 : 0;
            mean[i] = NonNegativeMean(mean[i], zeros, period);
        }
    }

    /// <summary>The fix of one mean, given the number of consecutive zero terms ending at the bar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double NonNegativeMean(double mean, int zeroRun, int period) => zeroRun >= period || mean < 0 ? 0.0 : mean;

    private static void CheckPair(ReadOnlySpan<double> first, ReadOnlySpan<double> second, Span<double> destination)
    {
        Guard.SameLength(first.Length, second.Length, nameof(second));
        CheckDestination(first.Length, destination);
    }
}

/// <summary>Point-wise order-flow steps shared by the batch kernels and streaming (stateless: each is its own state).</summary>
public static class OrderFlow
{
    /// <summary>Signed taker volume of a bar: <c>2 · taker_buy − V</c> (taker buys minus taker sells).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SignedVolume(double takerBuyVolume, double volume) => (2.0 * takerBuyVolume) - volume;

    /// <summary><c>taker_buy / V</c>; NaN when either is NaN or V = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TakerBuyRatio(double takerBuyVolume, double volume) => Ratio.Divide(takerBuyVolume, volume);

    /// <summary><c>taker_buy / (V − taker_buy)</c>; NaN when either is NaN or the taker-sell volume is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double BuySellRatio(double takerBuyVolume, double volume) => Ratio.Divide(takerBuyVolume, volume - takerBuyVolume);

    /// <summary>Order-flow imbalance of a bar, <c>|2 · taker_buy − V| / V</c>; NaN when either is NaN or V = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Imbalance(double takerBuyVolume, double volume) => Ratio.Divide(Math.Abs(SignedVolume(takerBuyVolume, volume)), volume);

    /// <summary><c>V / trades</c>; NaN when either is NaN or trades = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AverageTradeSize(double volume, double trades) => Ratio.Divide(volume, trades);
}

/// <summary>Incremental state of <see cref="Indicators.RelativeToMean"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct RelativeToMeanState
{
    private SmaState _mean;
    private readonly bool _single;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public RelativeToMeanState(int period)
    {
        _mean = new SmaState(period);
        _single = period == 1;
    }

    /// <summary>Adds the next value and returns it divided by the window's mean.</summary>
    public double Update(double value) => Ratio.Divide(value, _single ? value : _mean.Update(value));
}

/// <summary>Incremental state of <see cref="Indicators.ForceIndex"/>.</summary>
public struct ForceIndexState
{
    private EmaState _ema;
    private double _previousClose;

    /// <summary>Creates the state with an EMA of <paramref name="period"/> bars.</summary>
    public ForceIndexState(int period = 13)
    {
        _ema = new EmaState(period);
        _previousClose = double.NaN;
    }

    /// <summary>Adds the next bar and returns the force index (NaN while the EMA is seeding).</summary>
    public double Update(double close, double volume)
    {
        double force = (close - _previousClose) * volume;
        _previousClose = close;
        return _ema.Update(force);
    }
}

/// <summary>Incremental state of <see cref="Indicators.PriceVolumeCorrelation"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct PriceVolumeCorrelationState
{
    private RollingCovarianceState _covariance;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars (≥ 2).</summary>
    public PriceVolumeCorrelationState(int period = 20) => _covariance = new RollingCovarianceState(period, 1);

    /// <summary><c>ln(V + 1)</c>; NaN when V is NaN or ≤ −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogVolume(double volume)
    {
        double y = LogMath.Log(volume + 1.0);
        return double.IsFinite(y) ? y : double.NaN;
    }

    /// <summary>Adds the next bar and returns the correlation of close and log volume over the window.</summary>
    public double Update(double close, double volume) => UpdateWith(close, LogVolume(volume));

    /// <summary><see cref="Update"/> given <see cref="LogVolume"/> of the bar's volume, which is
    /// <c>Ratio.Log(volume + 1, 1)</c> bit for bit (the same logarithm of the same value, NaN where it is not finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double UpdateWith(double close, double logVolume)
    {
        _covariance.Update(close, logVolume);
        return _covariance.Correlation;
    }
}

/// <summary>Incremental state of <see cref="Indicators.Cvd"/> (compensated running sum).</summary>
public struct CvdState
{
    private double _sum;
    private double _compensation;

    /// <summary>One Neumaier step: adds <paramref name="x"/> to <paramref name="sum"/>, keeping the rounding error in <paramref name="compensation"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add(ref double sum, ref double compensation, double x)
    {
        double t = sum + x;
        compensation += Math.Abs(sum) >= Math.Abs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }

    /// <summary>Adds the next bar and returns the cumulative volume delta (NaN for a bar with a NaN input, which changes nothing).</summary>
    public double Update(double takerBuyVolume, double volume)
    {
        double x = OrderFlow.SignedVolume(takerBuyVolume, volume);
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        Add(ref _sum, ref _compensation, x);
        return _sum + _compensation;
    }
}

/// <summary>Incremental state of <see cref="Indicators.TakerImbalance"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct TakerImbalanceState
{
    private RollingSumRatioState _ratio;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public TakerImbalanceState(int period = 20) => _ratio = new RollingSumRatioState(period);

    /// <summary>Adds the next bar and returns <c>Σ(2·taker_buy − V) / ΣV</c> over the window.</summary>
    public double Update(double takerBuyVolume, double volume) => _ratio.Update(OrderFlow.SignedVolume(takerBuyVolume, volume), volume);
}

/// <summary>Incremental state of <see cref="Indicators.Vpin"/>.</summary>
/// <remarks>A state owns a ring buffer: do not copy a state value and use both copies.</remarks>
public struct VpinState
{
    private SmaState _mean;
    private readonly int _period;
    private int _zeros;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public VpinState(int period = 50)
    {
        _mean = new SmaState(period);
        _period = period;
        _zeros = 0;
    }

    /// <summary>Adds the next bar and returns the mean imbalance over the window.</summary>
    public double Update(double takerBuyVolume, double volume)
    {
        double term = OrderFlow.Imbalance(takerBuyVolume, volume);
        _zeros = term == 0 ? _zeros + 1 : 0;
        return Indicators.NonNegativeMean(_mean.Update(term), _zeros, _period);
    }
}
