namespace QuantFeatures;

/// <summary>Computes one feature column in a batch run: reads inputs and shared intermediates from the context,
/// writes exactly <c>context.Length</c> values into <paramref name="destination"/>.</summary>
internal delegate void FeatureCompute(FeatureContext context, Span<double> destination);

/// <summary>
/// One entry of the feature catalogue: the feature's public name, family, inputs, parameters, lookback and
/// documentation. Entries are data; <see cref="FeatureEngineer"/> computes them.
/// </summary>
public sealed class FeatureDefinition
{
    private readonly Func<Timeframe, int> _lookback;
    private readonly Func<Timeframe, string?> _unavailable;

    internal FeatureDefinition(string name, FeatureFamily family, IReadOnlyList<MarketColumn> inputs, IReadOnlyList<FeatureParameter> parameters,
        string description, string formula, string nanRule, Func<Timeframe, int> lookback, FeatureCompute compute,
        Func<Timeframe, string?>? unavailable = null, string? taLibFunction = null, TimeSpan? horizon = null)
    {
        Name = name;
        Family = family;
        Inputs = inputs;
        Parameters = parameters;
        Description = description;
        Formula = formula;
        NanRule = nanRule;
        _lookback = lookback;
        Compute = compute;
        _unavailable = unavailable ?? (_ => null);
        TaLibFunction = taLibFunction;
        Horizon = horizon;
    }

    /// <summary>The public name, e.g. <c>rsi_14</c>: the column name in every output.</summary>
    public string Name { get; }

    /// <summary>The family the feature belongs to.</summary>
    public FeatureFamily Family { get; }

    /// <summary>The frame columns the feature reads.</summary>
    public IReadOnlyList<MarketColumn> Inputs { get; }

    /// <summary>The parameters this entry uses.</summary>
    public IReadOnlyList<FeatureParameter> Parameters { get; }

    /// <summary>One-sentence description.</summary>
    public string Description { get; }

    /// <summary>The formula, in the notation of the feature contract.</summary>
    public string Formula { get; }

    /// <summary>What a NaN input does to this feature and how it recovers.</summary>
    public string NanRule { get; }

    /// <summary>The TA-Lib function this feature equals (e.g. <c>RSI(14)</c>), or null when it is not a TA-Lib feature.</summary>
    public string? TaLibFunction { get; }

    /// <summary>The wall-clock horizon of a horizon feature (e.g. 24 h for <c>turnover_ratio_24h</c>), or null.</summary>
    public TimeSpan? Horizon { get; }

    /// <summary>Whether the streaming engine computes this feature incrementally (every feature here does).</summary>
    public bool Streams => true;

    internal FeatureCompute Compute { get; }

    /// <summary>Number of leading NaN values on clean input at timeframe <paramref name="timeframe"/>.</summary>
    /// <exception cref="ArgumentException">The feature is not offered at that timeframe.</exception>
    public int Lookback(Timeframe timeframe)
    {
        if (UnavailableReason(timeframe) is { } why)
        {
            throw new ArgumentException($"Feature '{Name}' is not available at timeframe {timeframe}: {why}");
        }

        return _lookback(timeframe);
    }

    /// <summary>Why the feature is not offered at this timeframe (e.g. a horizon that is not a whole number of bars), or null.</summary>
    public string? UnavailableReason(Timeframe timeframe) => _unavailable(timeframe);

    /// <summary>The input columns the frame lacks for this feature (empty when it can be computed).</summary>
    public IReadOnlyList<MarketColumn> MissingInputs(MarketFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Inputs.Where(c => !frame.Has(c)).ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
