namespace QuantFeatures.Streaming;

/// <summary>
/// One closed bar as the streaming engine takes it: its open time and a value per <see cref="MarketColumn"/> (NaN =
/// missing or absent). Reusable: fill one instance per update, so a live loop allocates nothing.
/// </summary>
public sealed class StreamingBar
{
    private readonly double[] _values = new double[MarketColumns.All.Count];

    // The frame the last Load read and its columns: while no value is set by hand in between, loading another bar of the
    // same frame writes only those columns (the others are still NaN).
    private MarketFrame? _source;
    private int[] _sourceColumns = [];
    private double[][] _sourceArrays = [];

    /// <summary>Creates an empty bar (every value NaN).</summary>
    public StreamingBar() => Clear();

    /// <summary>The bar's open time, Unix ms UTC.</summary>
    public long OpenTime { get; set; }

    /// <summary>A column's value (NaN when missing).</summary>
    public double this[MarketColumn column]
    {
        get => _values[(int)column];
        set
        {
            _values[(int)column] = value;
            _source = null;
        }
    }

    /// <summary>The values indexed by <see cref="MarketColumn"/> (the engine copies them in one block).</summary>
    internal double[] Values => _values;

    /// <summary>Sets every value to NaN and the open time to 0.</summary>
    public StreamingBar Clear()
    {
        Array.Fill(_values, double.NaN);
        OpenTime = 0;
        _source = null;
        return this;
    }

    /// <summary>Loads bar <paramref name="index"/> of <paramref name="frame"/> (columns the frame lacks are NaN).</summary>
    public StreamingBar Load(MarketFrame frame, int index)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, frame.Length);
        OpenTime = frame.Time[index];
        if (!ReferenceEquals(frame, _source))
        {
            Bind(frame);
        }

        var values = _values;
        var columns = _sourceColumns;
        var arrays = _sourceArrays;
        for (int k = 0; k < columns.Length && k < arrays.Length; k++)
        {
            values[columns[k]] = arrays[k][index];
        }

        return this;
    }

    /// <summary>Sets every value to NaN and remembers <paramref name="frame"/>'s columns (a frame's columns never change).</summary>
    private void Bind(MarketFrame frame)
    {
        Array.Fill(_values, double.NaN);
        var arrays = frame.ColumnArrays;
        var present = new List<int>(arrays.Length);
        for (int c = 0; c < arrays.Length && c < _values.Length; c++)
        {
            if (arrays[c] is not null)
            {
                present.Add(c);
            }
        }

        _sourceColumns = [.. present];
        _sourceArrays = [.. present.Select(c => arrays[c]!)];
        _source = frame;
    }
}
