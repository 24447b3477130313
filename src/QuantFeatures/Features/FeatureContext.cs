using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures;

/// <summary>
/// The state of one batch run: the frame, the output columns, and memoized intermediates so that a shared series
/// (a feature used by another feature, or a multi-output kernel such as MACD) is computed once per run.
/// </summary>
internal sealed class FeatureContext : IDisposable
{
    private readonly Dictionary<string, double[]> _outputs;
    private readonly Dictionary<string, double[]> _features = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[][]> _shared = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly List<double[]> _rented = [];
    private readonly FeatureCatalog _catalog;

    public FeatureContext(MarketFrame frame, FeatureCatalog catalog, FeatureEngineerOptions options, Dictionary<string, double[]> outputs)
    {
        Frame = frame;
        _catalog = catalog;
        Options = options;
        _outputs = outputs;
    }

    public MarketFrame Frame { get; }

    public FeatureEngineerOptions Options { get; }

    public int Length => Frame.Length;

    public Timeframe Timeframe => Frame.Timeframe;

    /// <summary>Periods per year used to annualize: the option when set, else 365 × 86,400 s / Δ.</summary>
    public double PeriodsPerYear => Options.PeriodsPerYear ?? Frame.Timeframe.PeriodsPerYear;

    public ReadOnlySpan<double> Input(MarketColumn column) => Frame[column];

    public ReadOnlySpan<double> Close => Frame.Close;

    /// <summary>A feature's column, computed at most once per run (into its output column when it is requested).</summary>
    public ReadOnlySpan<double> Feature(string name)
    {
        if (_features.TryGetValue(name, out var done))
        {
            return done;
        }

        var def = _catalog.Get(name);
        if (!_inProgress.Add(name))
        {
            throw new InvalidOperationException($"Feature '{name}' depends on itself.");
        }

        double[] column = _outputs.TryGetValue(name, out var output) ? output : RentColumn();
        def.Compute(this, column);
        _inProgress.Remove(name);
        _features[name] = column;
        return column;
    }

    /// <summary>A shared multi-column intermediate identified by <paramref name="key"/>, computed at most once per run.</summary>
    public double[][] Shared(string key, int columns, Action<FeatureContext, double[][]> compute)
    {
        if (_shared.TryGetValue(key, out var done))
        {
            return done;
        }

        var arrays = new double[columns][];
        for (int i = 0; i < columns; i++)
        {
            arrays[i] = RentColumn();
        }

        compute(this, arrays);
        _shared[key] = arrays;
        return arrays;
    }

    /// <summary>
    /// A shared multi-output kernel whose columns are features: a column whose feature is an output of this run is
    /// computed straight into that output (no copy); the others go to pooled scratch.
    /// </summary>
    public double[][] SharedFeatures(string key, string[] featureNames, Action<FeatureContext, double[][]> compute)
    {
        if (_shared.TryGetValue(key, out var done))
        {
            return done;
        }

        var arrays = new double[featureNames.Length][];
        for (int i = 0; i < arrays.Length; i++)
        {
            arrays[i] = _outputs.TryGetValue(featureNames[i], out var output) && !_features.ContainsKey(featureNames[i]) ? output : RentColumn();
        }

        compute(this, arrays);
        _shared[key] = arrays;
        return arrays;
    }

    /// <summary>Copies a shared column into a feature's destination, unless it already is that destination.</summary>
    public static void CopyColumn(double[] source, Span<double> destination)
    {
        if (!Unsafe.AreSame(ref MemoryMarshal.GetArrayDataReference(source), ref MemoryMarshal.GetReference(destination)))
        {
            source.AsSpan(0, destination.Length).CopyTo(destination);
        }
    }

    /// <summary>A single-column shared intermediate.</summary>
    public ReadOnlySpan<double> Shared(string key, Action<FeatureContext, Span<double>> compute) =>
        Shared(key, 1, (ctx, a) => compute(ctx, a[0]))[0];

    public bool IsComputed(string name) => _features.ContainsKey(name);

    /// <summary>Whether <paramref name="name"/> is one of the run's requested outputs.</summary>
    public bool IsRequested(string name) => _outputs.ContainsKey(name);

    public double[] RentColumn()
    {
        var a = ColumnPool.Rent(Length);
        _rented.Add(a);
        return a;
    }

    public void Dispose()
    {
        foreach (var a in _rented)
        {
            ColumnPool.Return(a);
        }

        _rented.Clear();
    }
}
