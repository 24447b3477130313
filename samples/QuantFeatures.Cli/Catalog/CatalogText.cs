using System.Globalization;

namespace QuantFeatures.Cli.Catalog;

/// <summary>The plain-text catalogue listing of <c>quantfeatures features</c>: one block per feature.</summary>
public static class CatalogText
{
    /// <summary>Writes the listing.</summary>
    public static void Write(IReadOnlyList<FeatureInfo> features, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(output);
        int nameWidth = Math.Max(4, features.Count == 0 ? 0 : features.Max(f => f.Name.Length));
        int familyWidth = Math.Max(6, features.Count == 0 ? 0 : features.Max(f => f.FamilyId.Length));
        int lookbackWidth = Math.Max(12, features.Count == 0 ? 0 : features.Max(f => f.LookbackText.Length));
        int taLibWidth = Math.Max(6, features.Count == 0 ? 0 : features.Max(f => (f.Definition.TaLibFunction ?? "-").Length));
        string Row(string name, string family, string lookback, string taLib, string inputs) =>
            $"{name.PadRight(nameWidth)}  {family.PadRight(familyWidth)}  {lookback.PadRight(lookbackWidth)}  {taLib.PadRight(taLibWidth)}  {inputs}".TrimEnd();

        output.WriteLine(Row("NAME", "FAMILY", "LOOKBACK(1h)", "TA-LIB", "INPUTS"));
        foreach (var f in features)
        {
            var d = f.Definition;
            output.WriteLine(Row(f.Name, f.FamilyId, f.LookbackText, d.TaLibFunction ?? "-", f.Inputs.Count > 0 ? string.Join(",", f.Inputs) : "(time only)"));
            output.WriteLine($"    {d.Description}");
            output.WriteLine($"    formula:    {d.Formula}");
            output.WriteLine($"    NaN rule:   {d.NanRule}");
            if (d.Parameters.Count > 0)
            {
                output.WriteLine($"    parameters: {f.ParametersText}");
            }

            if (f.TimeframeRule is not null)
            {
                output.WriteLine($"    timeframe:  {f.TimeframeRule}");
            }

            if (f.UnavailableAtReference is not null)
            {
                output.WriteLine($"    at {FeatureInfo.ReferenceTimeframe}:      not offered: {f.UnavailableAtReference}");
            }
        }

        int families = features.Select(f => f.FamilyId).Distinct(StringComparer.Ordinal).Count();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{features.Count} feature(s) in {families} famil{(families == 1 ? "y" : "ies")}; catalogue version {FeatureCatalog.CatalogVersion}. LOOKBACK = leading NaN bars on clean input at 1h."));
    }
}
