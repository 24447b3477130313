namespace QuantFeatures;

/// <summary>The feature families of the catalogue (the sections of the feature contract).</summary>
public enum FeatureFamily
{
    /// <summary><c>price</c>: levels, returns, trend, momentum, volatility, k-bar shape.</summary>
    Price,
    /// <summary><c>volume</c>: volume and order flow.</summary>
    Volume,
    /// <summary><c>open_interest</c>: open-interest changes, averages, bands, ranks and divergences from price and volume.</summary>
    OpenInterest,
    /// <summary><c>funding</c>: funding rates in event time (settlements), annualized rates, the funding clock, basis and premium.</summary>
    Funding,
    /// <summary><c>liquidations</c>: forced-liquidation notionals and counts, their sums, imbalances and spikes.</summary>
    Liquidations,
    /// <summary><c>positioning</c>: long/short account and position ratios of the crowd, the top traders and the takers.</summary>
    Positioning,
    /// <summary><c>time_quality</c>: calendar encodings and data-quality flags.</summary>
    TimeQuality,
    /// <summary><c>microstructure</c>: statistics of the finer sub-bars a bar was resampled from (see <see cref="Data.Resampler"/>).</summary>
    Microstructure,
}

/// <summary>Identifiers of <see cref="FeatureFamily"/> as used in the CLI and the catalogue listing.</summary>
public static class FeatureFamilies
{
    /// <summary>The family's identifier: <c>price</c>, <c>volume</c>, <c>open_interest</c>, <c>funding</c>, <c>liquidations</c>, <c>positioning</c>, <c>time_quality</c> or <c>microstructure</c>.</summary>
    public static string Id(this FeatureFamily family) => family switch
    {
        FeatureFamily.Price => "price",
        FeatureFamily.Volume => "volume",
        FeatureFamily.OpenInterest => "open_interest",
        FeatureFamily.Funding => "funding",
        FeatureFamily.Liquidations => "liquidations",
        FeatureFamily.Positioning => "positioning",
        FeatureFamily.TimeQuality => "time_quality",
        FeatureFamily.Microstructure => "microstructure",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown feature family."),
    };

    /// <summary>Parses a family identifier (case-insensitive; <c>time</c> and <c>quality</c> are accepted for time_quality).</summary>
    /// <exception cref="ArgumentException">Unknown family; the message lists the valid ones.</exception>
    public static FeatureFamily Parse(string id)
    {
        foreach (var f in Enum.GetValues<FeatureFamily>())
        {
            if (string.Equals(f.Id(), id, StringComparison.OrdinalIgnoreCase))
            {
                return f;
            }
        }

        if (string.Equals(id, "time", StringComparison.OrdinalIgnoreCase) || string.Equals(id, "quality", StringComparison.OrdinalIgnoreCase))
        {
            return FeatureFamily.TimeQuality;
        }

        throw new ArgumentException($"Unknown feature family '{id}'. Known families: {string.Join(", ", Enum.GetValues<FeatureFamily>().Select(f => f.Id()))}.", nameof(id));
    }
}
