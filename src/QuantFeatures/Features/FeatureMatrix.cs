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

    /// <summary>
    /// A matrix from stored columns (storage adapters, interop): <paramref name="columns"/>[j] holds feature
    /// <paramref name="names"/>[j] for every row. The arrays are used as given, not copied.
    /// </summary>
    /// <exception cref="ArgumentException">A column's length differs from the row count, names repeat, or the times are
    /// not strictly increasing.</exception>
    public static FeatureMatrix Create(string symbol, Timeframe timeframe, long[] time, IReadOnlyList<string> names, double[][] columns)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(columns);
        if (names.Count != columns.Length)
        {
            throw new ArgumentException($"{names.Count} feature names but {columns.Length} columns.", nameof(columns));
        }

        for (int j = 0; j < columns.Length; j++)
        {
            if (columns[j] is null || columns[j].Length != time.Length)
            {
                throw new ArgumentException($"Column '{names[j]}' has {columns[j]?.Length ?? 0} values but there are {time.Length} rows.", nameof(columns));
            }
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Feature names repeat.", nameof(names));
        }

        for (int i = 1; i < time.Length; i++)
        {
            if (time[i] <= time[i - 1])
            {
                throw new ArgumentException($"Row times must increase strictly: row {i} ({time[i]}) follows {time[i - 1]}.", nameof(time));
            }
        }

        return new FeatureMatrix(symbol, timeframe, time, [.. names], columns);
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
