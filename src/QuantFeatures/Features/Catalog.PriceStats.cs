namespace QuantFeatures;

/// <summary>Catalogue entries of the price family: statistics, range-based volatility, regression, structure and k-bar shape.</summary>
internal static class PriceStatsCatalog
{
    public static void Register(CatalogBuilder b)
    {
        _ = b;
    }
}
