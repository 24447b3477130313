namespace QuantFeatures;

/// <summary>Catalogue entries of the volume and order-flow family.</summary>
internal static class VolumeCatalog
{
    public static void Register(CatalogBuilder b)
    {
        _ = b;
    }
}
