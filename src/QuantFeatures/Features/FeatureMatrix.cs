namespace QuantFeatures;

/// <summary>
/// The output of <see cref="FeatureEngineer"/>: named feature columns index-aligned with the frame's bars.
/// </summary>
/// <remarks>Row t holds the features known at the decision time of bar t. Missing values are NaN.</remarks>
public sealed class FeatureMatrix
{
    private long[] _time;
    private readonly double[][] _columns;
    private readonly Dictionary<string, int> _index;

    internal FeatureMatrix(string symbol, Timeframe timeframe, long[] time, IReadOnlyList<string> names, double[][] columns)
    {
        Symbol = symbol;
        Timeframe = timeframe;
        _time = time;
        Names = names;
        _columns = columns;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            _index[names[i]] = i;
        }
    }

    /// <summary>The frame's symbol.</summary>
    public string Symbol { get; private set; }

    /// <summary>The frame's timeframe.</summary>
    public Timeframe Timeframe { get; private set; }

    /// <summary>Points the matrix at another frame of the same length (used by <see cref="FeatureEngineer.ComputeInto"/>).</summary>
    internal void Rebind(MarketFrame frame)
    {
        Symbol = frame.Symbol;
        Timeframe = frame.Timeframe;
        _time = frame.TimeArray;
    }

    /// <summary>Feature names, in catalogue order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Bar open times (Unix ms UTC), one per row.</summary>
    public ReadOnlySpan<long> Time => _time;

    /// <summary>Number of rows (bars).</summary>
    public int RowCount => _time.Length;

    /// <summary>Number of feature columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>A feature column by name.</summary>
    /// <exception cref="ArgumentException">The matrix has no such feature.</exception>
    public ReadOnlySpan<double> this[string name] => _columns[IndexOf(name)];

    /// <summary>A feature column by position.</summary>
    public ReadOnlySpan<double> this[int column] => _columns[column];

    /// <summary>A feature column as memory (for interop and storage).</summary>
    public ReadOnlyMemory<double> GetMemory(int column) => _columns[column];

    internal double[][] Columns => _columns;

    internal long[] TimeArray => _time;

    /// <summary>Whether the matrix has the feature.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The position of a feature.</summary>
    /// <exception cref="ArgumentException">The matrix has no such feature.</exception>
    public int IndexOf(string name) =>
        _index.TryGetValue(name, out int i) ? i : throw new ArgumentException($"The feature matrix has no column '{name}'.", nameof(name));

    /// <summary>Copies row <paramref name="row"/> (all features at bar t) into <paramref name="destination"/>.</summary>
    public void CopyRow(int row, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        if (destination.Length < _columns.Length)
        {
            throw new ArgumentException($"Destination has {destination.Length} elements but the matrix has {_columns.Length} columns.", nameof(destination));
        }

        for (int j = 0; j < _columns.Length; j++)
        {
            destination[j] = _columns[j][row];
        }
    }
}
