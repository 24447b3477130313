using System.Globalization;

namespace QuantFeatures.Cli.Catalog;

/// <summary>
/// The presentation of one catalogue entry shared by <c>features</c>, <c>features --json</c> and <c>docs</c>:
/// input names, the lookback at the reference timeframe (1h) and, for wall-clock horizon features, the timeframe rule.
/// </summary>
public sealed class FeatureInfo
{
    /// <summary>The timeframe at which lookbacks are shown.</summary>
    public static readonly Timeframe ReferenceTimeframe = Timeframe.OneHour;

    private FeatureInfo(FeatureDefinition definition)
    {
        Definition = definition;
        Inputs = definition.Inputs.Select(c => c.Name()).ToArray();
        UnavailableAtReference = definition.UnavailableReason(ReferenceTimeframe);
        LookbackAtReference = UnavailableAtReference is null ? definition.Lookback(ReferenceTimeframe) : null;
        if (definition.Horizon is { } horizon)
        {
            HorizonText = DescribeHorizon(horizon);
            TimeframeRule = $"horizon {HorizonText} = {HorizonText}/Δ bars; offered only where {HorizonText} is a whole multiple of the timeframe Δ";
        }
    }

    /// <summary>The catalogue entry.</summary>
    public FeatureDefinition Definition { get; }

    /// <summary>The feature name.</summary>
    public string Name => Definition.Name;

    /// <summary>The family identifier (<c>price</c>, <c>volume</c>, <c>time_quality</c> …).</summary>
    public string FamilyId => Definition.Family.Id();

    /// <summary>The snake_case names of the input columns.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Leading NaN count at 1h, or null when the feature is not offered at 1h.</summary>
    public int? LookbackAtReference { get; }

    /// <summary>Why the feature is not offered at 1h, or null.</summary>
    public string? UnavailableAtReference { get; }

    /// <summary>The horizon of a horizon feature in short form (e.g. <c>24h</c>), or null.</summary>
    public string? HorizonText { get; }

    /// <summary>How the lookback depends on the timeframe, for horizon features; null otherwise.</summary>
    public string? TimeframeRule { get; }

    /// <summary>The lookback as shown in listings: <c>19</c>, or <c>24 (24h/Δ)</c> for horizon features.</summary>
    public string LookbackText =>
        LookbackAtReference is { } lb
            ? HorizonText is null ? lb.ToString(CultureInfo.InvariantCulture) : $"{lb.ToString(CultureInfo.InvariantCulture)} ({HorizonText}/Δ)"
            : $"n/a at {ReferenceTimeframe}";

    /// <summary>Parameters as <c>name=value</c> pairs.</summary>
    public string ParametersText => string.Join(", ", Definition.Parameters.Select(p => $"{p.Name}={FormatNumber(p.Value)}"));

    /// <summary>Every entry of a catalogue, in catalogue order.</summary>
    public static IReadOnlyList<FeatureInfo> Of(FeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Features.Select(f => new FeatureInfo(f)).ToArray();
    }

    /// <summary>Formats a number in invariant culture, shortest round-trip form.</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Short form of a horizon: whole hours up to 168h (<c>1h</c>, <c>24h</c>, <c>168h</c>), whole days beyond (<c>30d</c>).</summary>
    public static string DescribeHorizon(TimeSpan horizon)
    {
        if (horizon.TotalHours > 168 && horizon.TotalDays % 1 == 0)
        {
            return $"{horizon.TotalDays.ToString(CultureInfo.InvariantCulture)}d";
        }

        if (horizon.TotalHours >= 1 && horizon.TotalHours % 1 == 0)
        {
            return $"{horizon.TotalHours.ToString(CultureInfo.InvariantCulture)}h";
        }

        return horizon.TotalMinutes % 1 == 0
            ? $"{horizon.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
            : $"{horizon.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
    }
}
