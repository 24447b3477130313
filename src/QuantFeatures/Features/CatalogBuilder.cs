namespace QuantFeatures;

/// <summary>Collects catalogue entries from the family registration files and orders them by the contract.</summary>
internal sealed class CatalogBuilder
{
    private static readonly FeatureParameter[] NoParameters = [];
    private readonly Dictionary<string, FeatureDefinition> _entries = new(StringComparer.Ordinal);

    /// <summary>Adds a feature whose lookback does not depend on the timeframe.</summary>
    public void Add(string name, FeatureFamily family, MarketColumn[] inputs, int lookback, string description, string formula, string nanRule,
        FeatureCompute compute, FeatureParameter[]? parameters = null, string? taLib = null) =>
        Add(new FeatureDefinition(name, family, inputs, parameters ?? NoParameters, description, formula, nanRule, _ => lookback, compute, taLibFunction: taLib));

    /// <summary>
    /// Adds a feature over a wall-clock horizon: it is offered only where the horizon is a positive whole number of bars (at
    /// least <paramref name="minBars"/>), and <paramref name="lookback"/> receives that number of bars.
    /// </summary>
    public void AddHorizon(string name, FeatureFamily family, MarketColumn[] inputs, TimeSpan horizon, Func<int, int> lookback, string description,
        string formula, string nanRule, FeatureCompute compute, int minBars = 1)
    {
        string? Unavailable(Timeframe tf) => !tf.TryGetBars(horizon, out int bars)
            ? $"its horizon {Describe(horizon)} is not a whole multiple of the timeframe {tf} (horizons are never approximated)"
            : bars < minBars
            ? $"its horizon {Describe(horizon)} is {bars} bar(s) at {tf}, and it needs at least {minBars}"
            : null;
        int Lookback(Timeframe tf) => tf.TryGetBars(horizon, out int bars) ? lookback(bars) : 0;
        Add(new FeatureDefinition(name, family, inputs, [new FeatureParameter("horizon_hours", horizon.TotalHours, 0, double.MaxValue)],
            description, formula, nanRule, Lookback, compute, Unavailable, horizon: horizon));
    }

    /// <summary>
    /// Adds an event-time funding feature: a window of <paramref name="horizon"/> over settlement times, offered where a bar
    /// cannot hide a settlement (Δ ≤ 1 h, the shortest funding interval), with lookback <c>ceil(horizon / Δ)</c>.
    /// </summary>
    public void AddEventTime(string name, FeatureFamily family, MarketColumn[] inputs, TimeSpan horizon, string description, string formula,
        string nanRule, FeatureCompute compute)
    {
        static string? Unavailable(Timeframe tf) => tf.Milliseconds <= MaxEventTimeframe.Milliseconds
            ? null
            : $"it works on funding settlements in event time, and a bar longer than {MaxEventTimeframe} (the shortest funding interval) can hide settlements between decision times; compute it at 1h or finer and resample";
        int Lookback(Timeframe tf) => tf.Milliseconds <= MaxEventTimeframe.Milliseconds ? Kernels.Indicators.FundingEventLookback(horizon, tf) : 0;
        Add(new FeatureDefinition(name, family, inputs, [new FeatureParameter("window_hours", horizon.TotalHours, 0, double.MaxValue)],
            description, formula, nanRule, Lookback, compute, Unavailable, horizon: horizon));
    }

    /// <summary>The coarsest timeframe at which event-time funding features are offered.</summary>
    public static Timeframe MaxEventTimeframe => Timeframe.OneHour;

    public void Add(FeatureDefinition definition)
    {
        if (!_entries.TryAdd(definition.Name, definition))
        {
            throw new InvalidOperationException($"Feature '{definition.Name}' is registered twice.");
        }
    }

    public IReadOnlyList<FeatureDefinition> Ordered(IReadOnlyList<string> order)
    {
        var result = new List<FeatureDefinition>(_entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            if (_entries.TryGetValue(name, out var d))
            {
                result.Add(d);
                seen.Add(name);
            }
        }

        // Entries not (yet) in the contract list keep registration order at the end; a test requires the two to match.
        result.AddRange(_entries.Values.Where(d => !seen.Contains(d.Name)));
        return result;
    }

    /// <summary>Bars of a horizon at the run's timeframe (the catalogue only offers the feature where this is whole).</summary>
    public static int Bars(FeatureContext ctx, TimeSpan horizon) =>
        ctx.Timeframe.TryGetBars(horizon, out int bars)
            ? bars
            : throw new ArgumentException($"Horizon {Describe(horizon)} is not a whole multiple of the timeframe {ctx.Timeframe}.");

    private static string Describe(TimeSpan horizon) => horizon.TotalHours >= 1 && horizon.TotalHours % 1 == 0 ? $"{horizon.TotalHours}h" : horizon.ToString();
}
