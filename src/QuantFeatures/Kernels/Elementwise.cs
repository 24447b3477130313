using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

/// <summary>Point-wise kernels used to derive features from other series (stateless steps).</summary>
public static class Elementwise
{
    /// <summary><c>destination[t] = a[t] / b[t] − 1</c>, NaN where b is 0 or either is NaN.</summary>
    public static void RatioMinusOne(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Guard.Destination(a.Length, destination.Length);
        for (int i = 0; i < a.Length; i++)
        {
            destination[i] = Ratio.Change(a[i], b[i]);
        }
    }

    /// <summary><c>destination[t] = a[t] / b[t]</c>, NaN where the quotient is not finite.</summary>
    public static void Divide(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Guard.Destination(a.Length, destination.Length);
        for (int i = 0; i < a.Length; i++)
        {
            destination[i] = Ratio.Divide(a[i], b[i]);
        }
    }
}
