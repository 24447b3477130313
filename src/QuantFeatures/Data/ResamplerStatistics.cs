using QuantFeatures.Kernels;

namespace QuantFeatures.Data;

/// <summary>
/// The per-target-bar arithmetic of <see cref="Resampler"/>: aggregates of a run of sub-bars and the sub-bar statistics
/// (<see cref="MarketColumns.Intrabar"/>). Every method reads the sub-bars <c>[start, end)</c> of the source spans.
/// </summary>
internal static class ResamplerStatistics
{
    /// <summary>Compensated sum: exact whenever every partial sum is representable, otherwise within an ulp or
    /// two of the exact sum whatever the grouping. NaN when any value is NaN.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        var s = default(CompensatedSum);
        foreach (double v in values)
        {
            s.Add(v);
        }

        return s.Value;
    }

    /// <summary>The largest value; NaN when any value is NaN (<see cref="Math.Max(double, double)"/> propagates NaN).</summary>
    public static double Max(ReadOnlySpan<double> values)
    {
        double m = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            m = Math.Max(m, values[i]);
        }

        return m;
    }

    /// <summary>The smallest value; NaN when any value is NaN.</summary>
    public static double Min(ReadOnlySpan<double> values)
    {
        double m = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            m = Math.Min(m, values[i]);
        }

        return m;
    }

    /// <summary><c>Σ TP_i·V_i / Σ V_i</c>, TP = (H + L + C) / 3; NaN when any value is NaN or not finite, or Σ V = 0. Plain sums:
    /// a ratio of two sums of positive terms keeps full relative precision.</summary>
    public static double Vwap(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume)
    {
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < volume.Length; i++)
        {
            double tp = (high[i] + low[i] + close[i]) / 3.0;
            numerator += tp * volume[i];
            denominator += volume[i];
        }

        return Ratio.Divide(numerator, denominator);
    }

    /// <summary>
    /// Sample standard deviation (n − 1) of the log returns of sub-bars <c>[start, end)</c> × <paramref name="scale"/>
    /// (√ sub-bars per bar). The return of sub-bar i is <c>ln(C_i / C_(i−1))</c> when the source row i − 1 is the sub-bar just
    /// before it (its open time is one sub-bar earlier; it may belong to the previous target bar); a sub-bar whose predecessor is
    /// missing has no return. NaN when a return is NaN (NaN or non-positive close) or fewer than 2 returns exist; exactly 0
    /// when every return is equal.
    /// </summary>
    public static double RealizedVolatility(ReadOnlySpan<long> time, ReadOnlySpan<double> close, int start, int end, long subBarMs,
        double scale, Span<double> scratch)
    {
        int k = 0;
        for (int i = Math.Max(start, 1); i < end; i++)
        {
            if (time[i] - time[i - 1] != subBarMs)
            {
                continue;
            }

            double r = Ratio.Log(close[i], close[i - 1]);
            if (double.IsNaN(r))
            {
                return double.NaN;
            }

            scratch[k++] = r;
        }

        return k < 2 ? double.NaN : SampleStdDev(scratch[..k]) * scale;
    }

    /// <summary>Sample std (n − 1) / mean of the sub-bar volumes; NaN when any is NaN or not finite, fewer than 2, or the mean is 0.</summary>
    public static double CoefficientOfVariation(ReadOnlySpan<double> volume)
    {
        if (volume.Length < 2)
        {
            return double.NaN;
        }

        double mean = PlainSum(volume) / volume.Length;
        if (!double.IsFinite(mean))
        {
            return double.NaN;
        }

        return Ratio.Divide(SampleStdDev(volume, mean), mean);
    }

    /// <summary>Two-pass sample standard deviation (n ≥ 2, finite values); exactly 0 when every value is equal.</summary>
    private static double SampleStdDev(ReadOnlySpan<double> values) => SampleStdDev(values, PlainSum(values) / values.Length);

    /// <summary>The mean's sum: the two-pass deviations that follow remove its rounding from the variance to first order.</summary>
    private static double PlainSum(ReadOnlySpan<double> values)
    {
        double s = 0;
        foreach (double v in values)
        {
            s += v;
        }

        return s;
    }

    private static double SampleStdDev(ReadOnlySpan<double> values, double mean)
    {
        double first = values[0];
        bool flat = true;
        double m2 = 0;
        foreach (double v in values)
        {
            double d = v - mean;
            m2 += d * d;
            flat &= v == first;
        }

        return flat ? 0.0 : Math.Sqrt(m2 / (values.Length - 1));
    }

    /// <summary>A compensated running sum: each addition's rounding error, found exactly by Knuth's branch-free TwoSum, is
    /// accumulated apart and added back at the end (the result is the correctly rounded sum in all but extreme cases).</summary>
    private struct CompensatedSum
    {
        private double _sum;
        private double _compensation;

        public void Add(double value)
        {
            double t = _sum + value;
            double z = t - _sum;
            _compensation += (_sum - (t - z)) + (value - z);
            _sum = t;
        }

        /// <summary>The compensated sum; the plain sum when it is not finite (NaN, or an infinity the compensation would turn into NaN).</summary>
        public readonly double Value
        {
            get
            {
                double r = _sum + _compensation;
                return double.IsFinite(r) ? r : _sum;
            }
        }
    }
}
