namespace QuantFeatures.Streaming;

/// <summary>
/// What a feature stream sees: the engine's timeframe and options, the current bar's values and times, the values of
/// other features at this bar (through handles resolved at creation) and shared intermediates.
/// </summary>
internal sealed class StreamContext
{
    private readonly Func<string, int> _resolve;
    private readonly Dictionary<string, SharedStep> _shared = new(StringComparer.Ordinal);

    internal StreamContext(Timeframe timeframe, FeatureEngineerOptions options, IReadOnlySet<MarketColumn> columns, Func<string, int> resolve,
        bool fundingSettlements)
    {
        UsesSettlements = fundingSettlements;
        Timeframe = timeframe;
        Options = options;
        Columns = columns;
        _resolve = resolve;
        PeriodsPerYear = options.PeriodsPerYear ?? timeframe.PeriodsPerYear;
        Bar = new StreamingBar();
    }

    public Timeframe Timeframe { get; }

    public FeatureEngineerOptions Options { get; }

    /// <summary>The input columns the stream carries (the features' availability, as a frame's columns in batch).</summary>
    public IReadOnlySet<MarketColumn> Columns { get; }

    /// <summary>Periods per year used to annualize (as the batch engine).</summary>
    public double PeriodsPerYear { get; }

    /// <summary>The current bar (the engine's own copy).</summary>
    public StreamingBar Bar { get; }

    /// <summary>Committed bars before the current one, plus one while a bar is processed (a per-bar serial).</summary>
    public long Serial { get; internal set; }

    public long OpenTime => Bar.OpenTime;

    public long DecisionTime => Bar.OpenTime + Timeframe.Milliseconds;

    public double this[MarketColumn column] => Bar[column];

    public double Close => Bar[MarketColumn.Close];

    /// <summary>Whether the event-time funding features read the settlements given to the engine (as a frame's
    /// <see cref="FundingHistory"/>) rather than rebuild them from the funding columns.</summary>
    public bool UsesSettlements { get; }

    /// <summary>The settlements given to the engine, in time order, each with the decision time from which it counts.</summary>
    public List<(double Time, double Rate, double IntervalHours, long AvailableAt)> Settlements { get; } = [];

    /// <summary>A handle to another feature (created with its dependencies); read it per bar with <see cref="Value"/>.</summary>
    public FeatureHandle Feature(string name) => new(_resolve(name));

    /// <summary>The value at the current bar of the feature behind <paramref name="handle"/>.</summary>
    public double Value(FeatureHandle handle) => Values[handle.Index];

    /// <summary>Every stream's value at the current bar (the engine's array, set once its streams exist).</summary>
    internal double[] Values { get; set; } = [];

    /// <summary>The shared intermediate of <paramref name="key"/>, created once per engine.</summary>
    public T Shared<T>(string key, Func<T> create)
        where T : SharedStep
    {
        if (!_shared.TryGetValue(key, out var step))
        {
            step = create();
            _shared[key] = step;
        }

        return (T)step;
    }

    /// <summary>Bars of a horizon at the engine's timeframe (the catalogue offers the feature only where this is whole).</summary>
    public int Bars(TimeSpan horizon) =>
        Timeframe.TryGetBars(horizon, out int bars) ? bars : throw new ArgumentException($"Horizon {horizon} is not a whole multiple of the timeframe {Timeframe}.");
}
