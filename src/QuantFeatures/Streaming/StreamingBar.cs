namespace QuantFeatures.Streaming;

/// <summary>
/// One closed bar as the streaming engine takes it: its open time and a value per <see cref="MarketColumn"/> (NaN =
/// missing or absent). Reusable: fill one instance per update, so a live loop allocates nothing.
/// </summary>
public sealed class StreamingBar
{
    private readonly double[] _values = new double[MarketColumns.All.Count];

    /// <summary>Creates an empty bar (every value NaN).</summary>
    public StreamingBar() => Clear();

    /// <summary>The bar's open time, Unix ms UTC.</summary>
    public long OpenTime { get; set; }

    /// <summary>A column's value (NaN when missing).</summary>
    public double this[MarketColumn column]
    {
        get => _values[(int)column];
        set => _values[(int)column] = value;
    }

    /// <summary>The values indexed by <see cref="MarketColumn"/> (the engine copies them in one block).</summary>
    internal double[] Values => _values;

    /// <summary>Sets every value to NaN and the open time to 0.</summary>
    public StreamingBar Clear()
    {
        Array.Fill(_values, double.NaN);
        OpenTime = 0;
        return this;
    }

    /// <summary>Loads bar <paramref name="index"/> of <paramref name="frame"/> (columns the frame lacks are NaN).</summary>
    public StreamingBar Load(MarketFrame frame, int index)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, frame.Length);
        OpenTime = frame.Time[index];
        var arrays = frame.ColumnArrays;
        var values = _values;
        for (int c = 0; c < values.Length; c++)
        {
            values[c] = c < arrays.Length && arrays[c] is { } a ? a[index] : double.NaN;
        }

        return this;
    }
}
