using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Ad"/>: 0 (TA-Lib's AD lookback).</summary>
    public static int AdLookback() => 0;

    /// <summary>
    /// Chaikin accumulation/distribution line, as TA-Lib <c>AD</c>: the running sum of the money-flow volume
    /// <c>((C − L) − (H − C)) / (H − L) · V</c>, a bar adding nothing when <c>H − L ≤ 0</c>.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback 0: the sum starts at 0 and includes the first bar, with TA-Lib's arithmetic (equal to TA-Lib bit
    /// for bit on clean data).</para>
    /// <para>NaN rule (a cumulative feature): a bar with a NaN high, low, close or volume outputs NaN and contributes
    /// nothing; the sum continues from the last valid bar. Bit-identical to looping <see cref="AdState.Update"/>.</para>
    /// </remarks>
    public static void Ad(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume,
        Span<double> destination)
    {
        CheckHlcv(high, low, close, volume, destination);
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double v = ref MemoryMarshal.GetReference(volume);
        ref double d = ref MemoryMarshal.GetReference(destination);
        double ad = 0.0;
        for (int i = 0; i < high.Length; i++)
        {
            double mfv = AdState.MoneyFlowVolume(Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i), Unsafe.Add(ref v, i));
            if (double.IsNaN(mfv))
            {
                Unsafe.Add(ref d, i) = double.NaN;
                continue;
            }

            ad += mfv;
            Unsafe.Add(ref d, i) = ad;
        }
    }

    /// <summary>Leading NaN count of <see cref="Adosc"/>: <c>max(fast, slow) − 1</c> (TA-Lib: the EMA lookback of the slower period).</summary>
    public static int AdoscLookback(int fastPeriod = 3, int slowPeriod = 10)
    {
        Guard.Period(fastPeriod, nameof(fastPeriod), 2);
        Guard.Period(slowPeriod, nameof(slowPeriod), 2);
        return Math.Max(fastPeriod, slowPeriod) - 1;
    }

    /// <summary>
    /// Chaikin A/D oscillator, as TA-Lib <c>ADOSC</c>: <c>EMA_fast(AD) − EMA_slow(AD)</c>, both EMAs seeded with the
    /// first AD value (not an SMA) and stepped as <c>ema = k·AD + (1 − k)·ema</c>, k = 2 / (period + 1).
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="fastPeriod">Period of the first ("fast") EMA (≥ 2; TA-Lib default 3).</param>
    /// <param name="slowPeriod">Period of the second ("slow") EMA (≥ 2; TA-Lib default 10).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback <c>max(fast, slow) − 1</c> (9 for 3/10): the first output is at the bar where the EMAs have seen
    /// <c>max(fast, slow)</c> AD values. TA-Lib's arithmetic, so the values equal TA-Lib's on clean data.</para>
    /// <para>NaN rule: the AD line is <see cref="Ad"/> (NaN bars skipped, the sum carried); after a NaN the two EMAs
    /// restart their seeding with the next valid AD value, and the output is NaN until the restarted EMAs have seen
    /// <c>max(fast, slow)</c> values. Bit-identical to looping <see cref="AdoscState.Update"/>.</para>
    /// </remarks>
    public static void Adosc(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume,
        int fastPeriod, int slowPeriod, Span<double> destination)
    {
        _ = AdoscLookback(fastPeriod, slowPeriod);
        Ad(high, low, close, volume, destination);
        AdoscFromAd(destination[..high.Length], fastPeriod, slowPeriod, destination);
    }

    /// <summary>
    /// The Chaikin oscillator of an AD line already computed (e.g. by <see cref="Ad"/>): TA-Lib's
    /// <c>EMA_fast(AD) − EMA_slow(AD)</c> with both EMAs seeded by the first value; may run in place.
    /// </summary>
    /// <param name="ad">The accumulation/distribution line.</param>
    /// <param name="fastPeriod">Period of the first EMA (≥ 2).</param>
    /// <param name="slowPeriod">Period of the second EMA (≥ 2).</param>
    /// <param name="destination">Output, at least as long as <paramref name="ad"/>; may be the same memory as <paramref name="ad"/>.</param>
    /// <remarks>Lookback <c>max(fast, slow) − 1</c>. A NaN AD value outputs NaN and restarts the seeding of both EMAs.</remarks>
    public static void AdoscFromAd(ReadOnlySpan<double> ad, int fastPeriod, int slowPeriod, Span<double> destination)
    {
        _ = AdoscLookback(fastPeriod, slowPeriod);
        CheckDestination(ad.Length, destination);
        var osc = new AdoscOscillator(fastPeriod, slowPeriod);
        ref double src = ref MemoryMarshal.GetReference(ad);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = ad.Length;
        int i = 0;
        while (i < n)
        {
            if (osc.IsSeeded)
            {
                // Steady state on locals: exactly AdoscOscillator.Update on valid values.
                double fast = osc.Fast, slow = osc.Slow;
                double fastK = osc.FastK, fastDecay = osc.FastDecay, slowK = osc.SlowK, slowDecay = osc.SlowDecay;
                for (; i < n; i++)
                {
                    double a = Unsafe.Add(ref src, i);
                    if (double.IsNaN(a))
                    {
                        break;
                    }

                    fast = (fastK * a) + (fastDecay * fast);
                    slow = (slowK * a) + (slowDecay * slow);
                    Unsafe.Add(ref dst, i) = fast - slow;
                }

                osc.Continue(fast, slow);
                if (i == n)
                {
                    break;
                }
            }

            Unsafe.Add(ref dst, i) = osc.Update(Unsafe.Add(ref src, i));
            i++;
        }
    }

    private static void CheckHlcv(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume,
        Span<double> destination)
    {
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        Guard.SameLength(high.Length, volume.Length, nameof(volume));
        CheckDestination(high.Length, destination);
    }
}

/// <summary>Incremental state of <see cref="Indicators.Ad"/> (TA-Lib AD; NaN bars skipped, the sum carried).</summary>
public struct AdState
{
    private double _ad;

    /// <summary>
    /// The money-flow volume of one bar, <c>((C − L) − (H − C)) / (H − L) · V</c> in TA-Lib's order of operations,
    /// 0 when <c>H − L ≤ 0</c>, NaN when any input is NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MoneyFlowVolume(double high, double low, double close, double volume)
    {
        double range = high - low;
        double mfv = range > 0.0 ? ((close - low) - (high - close)) / range * volume : 0.0;
        return double.IsNaN(high + low + close + volume) ? double.NaN : mfv;
    }

    /// <summary>Adds the next bar and returns the AD line (NaN for a bar with a NaN input, which changes nothing).</summary>
    public double Update(double high, double low, double close, double volume)
    {
        double mfv = MoneyFlowVolume(high, low, close, volume);
        if (double.IsNaN(mfv))
        {
            return double.NaN;
        }

        _ad += mfv;
        return _ad;
    }
}

/// <summary>The two EMAs of the Chaikin oscillator, seeded with the first AD value as TA-Lib does, restarted after a NaN.</summary>
internal struct AdoscOscillator
{
    public readonly double FastK;
    public readonly double FastDecay;
    public readonly double SlowK;
    public readonly double SlowDecay;
    private readonly int _slowest;
    private int _count;

    public AdoscOscillator(int fastPeriod, int slowPeriod)
    {
        FastK = 2.0 / (fastPeriod + 1);
        FastDecay = 1.0 - FastK;
        SlowK = 2.0 / (slowPeriod + 1);
        SlowDecay = 1.0 - SlowK;
        _slowest = Math.Max(fastPeriod, slowPeriod);
        _count = 0;
        Fast = double.NaN;
        Slow = double.NaN;
    }

    public double Fast { get; private set; }

    public double Slow { get; private set; }

    public readonly bool IsSeeded => _count >= _slowest;

    public void Continue(double fast, double slow)
    {
        Fast = fast;
        Slow = slow;
    }

    public double Update(double ad)
    {
        if (double.IsNaN(ad))
        {
            _count = 0;
            Fast = double.NaN;
            Slow = double.NaN;
            return double.NaN;
        }

        if (_count == 0)
        {
            // TA-Lib: "simply seed with the first A/D value".
            Fast = ad;
            Slow = ad;
            _count = 1;
            return double.NaN;
        }

        Fast = (FastK * ad) + (FastDecay * Fast);
        Slow = (SlowK * ad) + (SlowDecay * Slow);
        if (_count < _slowest)
        {
            _count++;
        }

        return _count >= _slowest ? Fast - Slow : double.NaN;
    }
}

/// <summary>Incremental state of <see cref="Indicators.Adosc"/> (TA-Lib ADOSC; EMA seeding restarted after a NaN bar).</summary>
public struct AdoscState
{
    private AdState _ad;
    private AdoscOscillator _oscillator;

    /// <summary>Creates the state (TA-Lib defaults 3 and 10).</summary>
    public AdoscState(int fastPeriod = 3, int slowPeriod = 10)
    {
        _ = Indicators.AdoscLookback(fastPeriod, slowPeriod);
        _ad = default;
        _oscillator = new AdoscOscillator(fastPeriod, slowPeriod);
    }

    /// <summary>Adds the next bar and returns the oscillator (NaN while seeding and for a bar with a NaN input).</summary>
    public double Update(double high, double low, double close, double volume) =>
        _oscillator.Update(_ad.Update(high, low, close, volume));
}
