namespace QuantFeatures.Streaming;

/// <summary>Memories of the price family's streams (see <see cref="StreamMemory"/>).</summary>
internal static partial class StreamCatalog
{
    static partial void DeclarePriceMemory(Builder b)
    {
        foreach (int n in (ReadOnlySpan<int>)[20, 50, 200])
        {
            b.Memory($"sma_{n}", _ => StreamMemory.Sum(n)); // SmaState: a ring and a WindowSum
            b.Memory($"price_vs_sma{n}", _ => StreamMemory.None); // reads sma_n at the bar
        }
    }
}
