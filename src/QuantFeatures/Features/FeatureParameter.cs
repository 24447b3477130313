namespace QuantFeatures;

/// <summary>A parameter of a feature: its value in the catalogue entry and the range its kernel accepts.</summary>
/// <param name="Name">Parameter name, e.g. <c>period</c>.</param>
/// <param name="Value">The value this catalogue entry uses.</param>
/// <param name="Min">Smallest value the kernel accepts.</param>
/// <param name="Max">Largest value the kernel accepts.</param>
public sealed record FeatureParameter(string Name, double Value, double Min, double Max)
{
    /// <summary>A window length in bars (1 … 100,000).</summary>
    public static FeatureParameter Period(int value, string name = "period", int min = 1) => new(name, value, min, 100_000);
}
