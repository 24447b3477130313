using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Yang–Zhang from the overnight and open-to-close log returns and the RS mean column, in one fused pass.
    /// <paramref name="destination"/> must not overlap the inputs (a block may be redone after a NaN).</summary>
    internal static void YangZhangFromLogs(ReadOnlySpan<double> lnOpenPrevClose, ReadOnlySpan<double> lnCloseOpen, ReadOnlySpan<double> rsMean,
        int period, Span<double> destination)
    {
        var w = new YangZhangWindow(period);
        int k = w.Interval;
        ref double o = ref MemoryMarshal.GetReference(lnOpenPrevClose);
        ref double c = ref MemoryMarshal.GetReference(lnCloseOpen);
        ref double rs = ref MemoryMarshal.GetReference(rsMean);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = lnOpenPrevClose.Length;
        int i = 0;
        while (i < n)
        {
            if (w.Valid && i % k != 0)
            {
                // Fast path on locals between two exact recomputations; redone by the careful path if a NaN shows up.
                int end = Math.Min(n, (i / k + 1) * k);
                double shiftO = w.ShiftO, meanO = w.MeanO, m2O = w.M2O, prevO = w.PreviousO;
                double shiftC = w.ShiftC, meanC = w.MeanC, m2C = w.M2C, prevC = w.PreviousC;
                int runO = w.RunO, runC = w.RunC;
                bool nan = false;
                for (int j = i; j < end; j++)
                {
                    double xo = Unsafe.Add(ref o, j), xc = Unsafe.Add(ref c, j);
                    nan |= double.IsNaN(xo) | double.IsNaN(xc);
                    w.Slide(ref meanO, ref m2O, xo - shiftO, Unsafe.Add(ref o, j - period) - shiftO);
                    w.Slide(ref meanC, ref m2C, xc - shiftC, Unsafe.Add(ref c, j - period) - shiftC);
                    runO = xo == prevO ? runO + 1 : 1;
                    runC = xc == prevC ? runC + 1 : 1;
                    prevO = xo;
                    prevC = xc;
                    Unsafe.Add(ref dst, j) = w.Volatility(m2O, runO, m2C, runC, Unsafe.Add(ref rs, j));
                }

                if (!nan)
                {
                    (w.MeanO, w.M2O, w.RunO, w.PreviousO) = (meanO, m2O, runO, prevO);
                    (w.MeanC, w.M2C, w.RunC, w.PreviousC) = (meanC, m2C, runC, prevC);
                    i = end;
                    continue;
                }

                for (; i < end; i++)
                {
                    Unsafe.Add(ref dst, i) = YangZhangStep(ref w, lnOpenPrevClose, lnCloseOpen, rsMean, i);
                }

                continue;
            }

            Unsafe.Add(ref dst, i) = YangZhangStep(ref w, lnOpenPrevClose, lnCloseOpen, rsMean, i);
            i++;
        }
    }

    private static double YangZhangStep(ref YangZhangWindow w, ReadOnlySpan<double> o, ReadOnlySpan<double> c, ReadOnlySpan<double> rsMean, int t)
    {
        int p = w.Period;
        bool full = t >= p;
        bool ready = w.Advance(t, o[t], full ? o[t - p] : double.NaN, c[t], full ? c[t - p] : double.NaN, out bool recompute);
        if (recompute)
        {
            w.Recompute(o.Slice(t - p + 1, p), c.Slice(t - p + 1, p));
        }

        return ready ? w.Volatility(w.M2O, w.RunO, w.M2C, w.RunC, rsMean[t]) : double.NaN;
    }
}

/// <summary>
/// The shared step of Yang–Zhang: sliding Welford means and sums of squared deviations of the overnight (o) and
/// open-to-close (c) log returns over the window, in coordinates shifted to the window means at the last exact
/// recomputation (every 8 windows and whenever the window becomes valid), with exact zero variance on constant windows.
/// </summary>
internal struct YangZhangWindow
{
    public readonly int Period;
    public readonly int Interval;
    public readonly double InverseN;
    public readonly double InverseDof;
    public readonly double K;
    public double ShiftO;
    public double MeanO;
    public double M2O;
    public int RunO;
    public double PreviousO;
    public double ShiftC;
    public double MeanC;
    public double M2C;
    public int RunC;
    public double PreviousC;
    public bool Valid;
    public long LastNan;

    public YangZhangWindow(int period)
    {
        Period = period;
        Interval = WindowSchedule.Interval(period);
        InverseN = 1.0 / period;
        InverseDof = 1.0 / (period - 1);
        K = RangeTerms.YangZhangK(period);
        ShiftO = MeanO = M2O = ShiftC = MeanC = M2C = 0;
        RunO = RunC = 0;
        PreviousO = PreviousC = double.NaN;
        Valid = false;
        LastNan = long.MinValue / 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Advance(long t, double overnight, double overnightOut, double openClose, double openCloseOut, out bool recompute)
    {
        RunO = overnight == PreviousO ? RunO + 1 : 1;
        RunC = openClose == PreviousC ? RunC + 1 : 1;
        PreviousO = overnight;
        PreviousC = openClose;
        if (double.IsNaN(overnight) || double.IsNaN(openClose))
        {
            LastNan = t;
        }

        if (t < Period - 1 || t - LastNan < Period)
        {
            Valid = false;
            recompute = false;
            return false;
        }

        recompute = !Valid || Indicators.IsMultiple(t, Interval);
        if (!recompute)
        {
            Slide(ref MeanO, ref M2O, overnight - ShiftO, overnightOut - ShiftO);
            Slide(ref MeanC, ref M2C, openClose - ShiftC, openCloseOut - ShiftC);
        }

        return true;
    }

    /// <summary>The fixed-n sliding Welford step (as <see cref="MomentsWindow.SlideClean"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Slide(ref double mean, ref double m2, double yin, double yout)
    {
        double delta = yin - yout;
        double next = mean + delta * InverseN;
        m2 += delta * ((yin - next) + (yout - mean));
        mean = next;
    }

    /// <summary>Exact two-pass recomputation of both series from their (NaN-free) windows in chronological order.</summary>
    public void Recompute(ReadOnlySpan<double> overnight, ReadOnlySpan<double> openClose)
    {
        (ShiftO, MeanO, M2O) = Exact(overnight);
        (ShiftC, MeanC, M2C) = Exact(openClose);
        Valid = true;
    }

    private readonly (double Shift, double Mean, double M2) Exact(ReadOnlySpan<double> window)
    {
        double sum = 0;
        foreach (double v in window)
        {
            sum += v;
        }

        double shift = sum * InverseN;
        double sumY = 0;
        foreach (double v in window)
        {
            sumY += v - shift;
        }

        double mean = sumY * InverseN;
        double m2 = 0;
        foreach (double v in window)
        {
            double d = v - shift - mean;
            m2 += d * d;
        }

        return (shift, mean, m2);
    }

    /// <summary>√max(σ²_o + k σ²_c + (1 − k) σ²_RS, 0); a constant window has a variance of exactly 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Volatility(double m2O, int runO, double m2C, int runC, double rsMean)
    {
        double varO = runO >= Period || !(m2O > 0) ? 0.0 : m2O * InverseDof;
        double varC = runC >= Period || !(m2C > 0) ? 0.0 : m2C * InverseDof;
        return RangeTerms.YangZhang(varO, varC, rsMean, K);
    }
}
