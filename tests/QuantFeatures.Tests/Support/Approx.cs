using Xunit;

namespace QuantFeatures.Tests.Support;

/// <summary>Element-wise comparisons with a relative-or-absolute tolerance; NaN must match NaN.</summary>
public static class Approx
{
    /// <summary>|a − e| ≤ max(rel·|e|, abs) at every index, NaN exactly where expected is NaN.</summary>
    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double rel = 1e-9, double abs = 1e-12, string what = "")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) || double.IsNaN(a))
            {
                Assert.True(double.IsNaN(e) && double.IsNaN(a), $"{what}[{i}]: expected {e}, got {a}");
                continue;
            }

            double tol = Math.Max(rel * Math.Abs(e), abs);
            Assert.True(Math.Abs(a - e) <= tol, $"{what}[{i}]: expected {e:R}, got {a:R} (|Δ| = {Math.Abs(a - e):E3} > {tol:E3})");
        }
    }

    /// <summary>Bit-for-bit equality (NaN equals NaN).</summary>
    public static void Identical(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what = "")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]), $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    /// <summary>Count of leading NaN values.</summary>
    public static int LeadingNaN(ReadOnlySpan<double> values)
    {
        int k = 0;
        while (k < values.Length && double.IsNaN(values[k]))
        {
            k++;
        }

        return k;
    }
}
