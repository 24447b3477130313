namespace QuantFeatures.Cli.Csv;

/// <summary>An append-only buffer of values that doubles its capacity as it grows (amortised O(1) per value).</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class GrowableColumn<T>
{
    private T[] _items;

    /// <summary>Creates an empty buffer.</summary>
    public GrowableColumn(int capacity = 1024) => _items = new T[Math.Max(16, capacity)];

    /// <summary>Number of values.</summary>
    public int Count { get; private set; }

    /// <summary>The values.</summary>
    public ReadOnlySpan<T> Span => _items.AsSpan(0, Count);

    /// <summary>Appends a value.</summary>
    public void Add(T value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, checked(_items.Length * 2));
        }

        _items[Count++] = value;
    }
}
