namespace QuantFeatures;

/// <summary>Catalogue entries of the price family defined "as TA-Lib X" (besides SMA, in Catalog.Price.cs).</summary>
internal static class PriceTaLibCatalog
{
    public static void Register(CatalogBuilder b)
    {
        _ = b;
    }
}
