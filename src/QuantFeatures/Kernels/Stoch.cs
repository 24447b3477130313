using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>
    /// Leading NaN count of both outputs of <see cref="Stoch"/>: <c>(fastKPeriod − 1) + (slowKPeriod − 1) + (slowDPeriod − 1)</c>
    /// (TA-Lib STOCH; 17 for 14, 3, 3).
    /// </summary>
    public static int StochLookback(int fastKPeriod, int slowKPeriod, int slowDPeriod)
    {
        StochState.Check(fastKPeriod, slowKPeriod, slowDPeriod);
        return fastKPeriod - 1 + (slowKPeriod - 1) + (slowDPeriod - 1);
    }

    /// <summary>
    /// Slow stochastic oscillator, as TA-Lib <c>STOCH(fastK, slowK, SMA, slowD, SMA)</c>: fast %K = (C − LL) / ((HH − LL) / 100)
    /// over the last <paramref name="fastKPeriod"/> bars (0 when HH = LL, as TA-Lib), slow %K = SMA of fast %K over
    /// <paramref name="slowKPeriod"/>, slow %D = SMA of slow %K over <paramref name="slowDPeriod"/>.
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="fastKPeriod">Window of the highest high / lowest low (≥ 1).</param>
    /// <param name="slowKPeriod">SMA period of slow %K (≥ 1).</param>
    /// <param name="slowDPeriod">SMA period of slow %D (≥ 1).</param>
    /// <param name="slowK">Output slow %K.</param>
    /// <param name="slowD">Output slow %D.</param>
    /// <remarks>
    /// <para>Lookback <c>(fastK − 1) + (slowK − 1) + (slowD − 1)</c> for both outputs: as TA-Lib, slow %K is written only
    /// where slow %D exists.</para>
    /// <para>Arithmetic: TA-Lib's. The SMAs use TA-Lib's running sum (add the newest, take the sum, subtract the oldest,
    /// never recomputed), so the outputs are bit-identical to TA-Lib on clean data, including the ~1e-13 residue TA-Lib
    /// leaves on flat stretches where fast %K is 0.</para>
    /// <para>NaN rule: fast %K is NaN while the high/low window holds a NaN or on a bar whose close is NaN; each SMA is NaN
    /// while its window holds a NaN and restarts its running sum from the window after (as TA-Lib started on the data
    /// after the NaN).</para>
    /// </remarks>
    public static void Stoch(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        int fastKPeriod, int slowKPeriod, int slowDPeriod, Span<double> slowK, Span<double> slowD)
    {
        StochState.Check(fastKPeriod, slowKPeriod, slowDPeriod);
        Guard.SameLength(high.Length, low.Length, nameof(low));
        Guard.SameLength(high.Length, close.Length, nameof(close));
        CheckDestination(high.Length, slowK);
        CheckDestination(high.Length, slowD);
        int n = high.Length;
        var fastK = Scratch.Rent(n);
        var ring = Scratch.Rent(slowDPeriod);
        try
        {
            RangeKernel<FastKFormula>(high, low, close, fastKPeriod, fastK.AsSpan(0, n));
            Smooth(fastK, n, slowKPeriod, slowDPeriod, ring, slowK, slowD);
        }
        finally
        {
            Scratch.Return(fastK);
            Scratch.Return(ring);
        }
    }

    /// <summary>
    /// Slow %K and %D from fast %K in one pass, with TA-Lib's SMA arithmetic (<c>TA_INT_SMA</c>): the first period − 1
    /// values are summed left to right, then each step adds the newest value, takes sum / period and subtracts the oldest
    /// (never recomputed, unlike <see cref="Sma"/>, so the result stays bit-identical to TA-Lib). A NaN fast %K restarts
    /// both sums. Slow %K is written only where slow %D exists. The arithmetic is that of <see cref="TaLibSmaWindow"/>.
    /// </summary>
    private static void Smooth(double[] fastK, int n, int kPeriod, int dPeriod, double[] ring, Span<double> slowK, Span<double> slowD)
    {
        ref double f = ref MemoryMarshal.GetArrayDataReference(fastK);
        ref double r = ref MemoryMarshal.GetArrayDataReference(ring);
        ref double k = ref MemoryMarshal.GetReference(slowK);
        ref double d = ref MemoryMarshal.GetReference(slowD);
        int ringLength = Math.Max(dPeriod - 1, 1);
        int runK = 0, runD = 0, pos = 0;
        double sumK = 0, sumD = 0;
        for (int i = 0; i < n; i++)
        {
            double fk = Unsafe.Add(ref f, i);
            if (double.IsNaN(fk))
            {
                runK = runD = pos = 0;
                sumK = sumD = 0;
                Unsafe.Add(ref k, i) = double.NaN;
                Unsafe.Add(ref d, i) = double.NaN;
                continue;
            }

            sumK += fk;
            if (runK < kPeriod - 1)
            {
                runK++;
                Unsafe.Add(ref k, i) = double.NaN;
                Unsafe.Add(ref d, i) = double.NaN;
                continue;
            }

            double totalK = sumK;
            sumK -= Unsafe.Add(ref f, i - kPeriod + 1);
            double sk = totalK / kPeriod;
            sumD += sk;
            if (runD < dPeriod - 1)
            {
                Unsafe.Add(ref r, pos) = sk;
                pos = ++pos == ringLength ? 0 : pos;
                runD++;
                Unsafe.Add(ref k, i) = double.NaN;
                Unsafe.Add(ref d, i) = double.NaN;
                continue;
            }

            double totalD = sumD;
            if (dPeriod == 1)
            {
                sumD -= sk;
            }
            else
            {
                sumD -= Unsafe.Add(ref r, pos);
                Unsafe.Add(ref r, pos) = sk;
                pos = ++pos == ringLength ? 0 : pos;
            }

            Unsafe.Add(ref k, i) = sk;
            Unsafe.Add(ref d, i) = totalD / dPeriod;
        }
    }

    /// <summary>TA-Lib's fast %K: <c>(C − LL) / ((HH − LL) / 100)</c>, 0 when HH = LL; NaN when C is NaN.</summary>
    internal readonly struct FastKFormula : IRangeFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Apply(double highest, double lowest, double close)
        {
            double diff = (highest - lowest) / 100.0;
            return diff != 0.0 ? (close - lowest) / diff : double.IsNaN(close) ? double.NaN : 0.0;
        }
    }
}

/// <summary>The streaming side of TA-Lib's SMA arithmetic (see <see cref="Indicators.Stoch"/>): a running sum restarted after a NaN.</summary>
internal struct TaLibSmaWindow
{
    private readonly double[] _ring;
    private readonly int _period;
    private int _pos;
    private int _count;
    private double _sum;

    public TaLibSmaWindow(int period)
    {
        _period = period;
        _ring = new double[Math.Max(period - 1, 1)];
        _pos = 0;
        _count = 0;
        _sum = 0;
    }

    /// <summary>Adds a value and returns the SMA of the window ending with it (NaN while not full or holding a NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Push(double value)
    {
        if (double.IsNaN(value))
        {
            _pos = 0;
            _count = 0;
            _sum = 0;
            return double.NaN;
        }

        _sum += value;
        if (_period == 1)
        {
            double single = _sum;
            _sum -= value;
            return single / _period;
        }

        // The ring holds the period − 1 values already in the sum; its slot at _pos is the oldest of them.
        int pos = _pos;
        if (_count < _period - 1)
        {
            _ring[pos] = value;
            _pos = ++pos == _ring.Length ? 0 : pos;
            _count++;
            return double.NaN;
        }

        double total = _sum;
        _sum -= _ring[pos];
        _ring[pos] = value;
        _pos = ++pos == _ring.Length ? 0 : pos;
        return total / _period;
    }
}

/// <summary>Incremental state of <see cref="Indicators.Stoch"/> (TA-Lib arithmetic, NaN windows recover).</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct StochState
{
    private HighLowWindow _window;
    private TaLibSmaWindow _slowK;
    private TaLibSmaWindow _slowD;

    /// <summary>Creates the state for STOCH(<paramref name="fastKPeriod"/>, <paramref name="slowKPeriod"/> SMA, <paramref name="slowDPeriod"/> SMA).</summary>
    public StochState(int fastKPeriod, int slowKPeriod, int slowDPeriod)
    {
        Check(fastKPeriod, slowKPeriod, slowDPeriod);
        _window = new HighLowWindow(fastKPeriod);
        _slowK = new TaLibSmaWindow(slowKPeriod);
        _slowD = new TaLibSmaWindow(slowDPeriod);
        SlowK = SlowD = double.NaN;
    }

    /// <summary>The last slow %K (NaN while slow %D is not defined).</summary>
    public double SlowK { get; private set; }

    /// <summary>The last slow %D (NaN when not defined).</summary>
    public double SlowD { get; private set; }

    internal static void Check(int fastKPeriod, int slowKPeriod, int slowDPeriod)
    {
        Guard.Period(fastKPeriod, nameof(fastKPeriod));
        Guard.Period(slowKPeriod, nameof(slowKPeriod));
        Guard.Period(slowDPeriod, nameof(slowDPeriod));
    }

    /// <summary>Adds the next bar; returns whether slow %K and slow %D are defined.</summary>
    public bool Update(double high, double low, double close) => Update(high, low, close, out _);

    /// <summary>Adds the next bar and also gives Williams %R of the fast-%K window in <paramref name="willR"/>: the value a
    /// <see cref="WillRState"/> of the same period fed the same bars returns, as it keeps the same <see cref="HighLowWindow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Update(double high, double low, double close, out double willR)
    {
        bool ready = _window.Push(high, low);
        willR = ready ? Indicators.WillRFormula.Apply(_window.Highest, _window.Lowest, close) : double.NaN;
        double fastK = ready ? Indicators.FastKFormula.Apply(_window.Highest, _window.Lowest, close) : double.NaN;
        double k = _slowK.Push(fastK);
        double d = _slowD.Push(k);
        bool defined = !double.IsNaN(d);
        SlowK = defined ? k : double.NaN;
        SlowD = d;
        return defined;
    }
}
