namespace QuantFeatures.Cli.Bench;

/// <summary>One benchmark measurement.</summary>
/// <param name="Name">The feature name, or <c>catalog:all</c> for the whole catalogue in one run.</param>
/// <param name="NsPerBar">Best wall time over the runs divided by the number of bars, in nanoseconds.</param>
/// <param name="AllocatedBytes">Bytes allocated on the calling thread by one call.</param>
/// <param name="Features">Number of features the call computed.</param>
public sealed record BenchResult(string Name, double NsPerBar, long AllocatedBytes, int Features)
{
    /// <summary>Nanoseconds per feature value: <see cref="NsPerBar"/> / <see cref="Features"/>.</summary>
    public double NsPerValue => Features == 0 ? double.NaN : NsPerBar / Features;
}
