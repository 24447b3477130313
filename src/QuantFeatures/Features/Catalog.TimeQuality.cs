namespace QuantFeatures;

/// <summary>Catalogue entries of the time and quality family.</summary>
internal static class TimeQualityCatalog
{
    public static void Register(CatalogBuilder b)
    {
        _ = b;
    }
}
