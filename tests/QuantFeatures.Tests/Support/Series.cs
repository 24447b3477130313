namespace QuantFeatures.Tests.Support;

/// <summary>Series helpers for kernel tests: NaN holes, flat stretches.</summary>
public static class Series
{
    /// <summary>A copy with NaN at every index i where (i * 7919 + seed) % every == 0, plus a flat stretch.</summary>
    public static double[] WithHoles(ReadOnlySpan<double> source, int every = 97, int seed = 3)
    {
        var a = source.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            if (((long)i * 7919 + seed) % every == 0)
            {
                a[i] = double.NaN;
            }
        }

        for (int i = a.Length / 3; i < Math.Min(a.Length, a.Length / 3 + 40); i++)
        {
            a[i] = a[a.Length / 3 - 1];
        }

        return a;
    }
}
