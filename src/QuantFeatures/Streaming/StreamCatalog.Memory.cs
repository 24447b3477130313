namespace QuantFeatures.Streaming;

/// <summary>
/// What each stream's state remembers (see <see cref="StreamMemory"/>), declared per family from the code of the states
/// its stream holds; a stream not declared is unbounded (replayed from the first bar). <c>StreamingWarmStartTests</c>
/// replays every stream both ways — from its declared start and from the first bar — on long random frames and holds
/// them equal bit for bit.
/// </summary>
internal static partial class StreamCatalog
{
    static partial void DeclareMemory(Builder b)
    {
        DeclarePriceMemory(b);
        DeclareVolumeMemory(b);
        DeclareDerivativesMemory(b);
        DeclareTimeQualityMemory(b);
    }

    static partial void DeclarePriceMemory(Builder b);

    static partial void DeclareVolumeMemory(Builder b);

    static partial void DeclareDerivativesMemory(Builder b);

    static partial void DeclareTimeQualityMemory(Builder b);
}
