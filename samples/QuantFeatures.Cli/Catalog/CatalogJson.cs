using System.Text.Encodings.Web;
using System.Text.Json;

namespace QuantFeatures.Cli.Catalog;

/// <summary>Writes catalogue entries as a JSON array (System.Text.Json, invariant numbers, UTF-8).</summary>
/// <remarks>
/// Each element: <c>name</c>, <c>family</c>, <c>inputs</c> (snake_case column names), <c>lookback_1h</c> (leading NaN
/// bars at 1h, null when not offered at 1h), <c>horizon</c> and <c>timeframe_rule</c> (horizon features; else null),
/// <c>ta_lib</c> (e.g. <c>"SMA(20)"</c> or null), <c>description</c>, <c>formula</c>, <c>nan_rule</c>,
/// <c>parameters</c> (array of <c>{name, value, min, max}</c>) and <c>streams</c>.
/// </remarks>
public static class CatalogJson
{
    /// <summary>The JSON text of the entries (indented, non-ASCII characters such as Δ and − left readable).</summary>
    public static string Serialize(IEnumerable<FeatureInfo> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var f in features)
            {
                Write(json, f);
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter json, FeatureInfo f)
    {
        var d = f.Definition;
        json.WriteStartObject();
        json.WriteString("name", d.Name);
        json.WriteString("family", f.FamilyId);
        json.WriteStartArray("inputs");
        foreach (var input in f.Inputs)
        {
            json.WriteStringValue(input);
        }

        json.WriteEndArray();
        if (f.LookbackAtReference is { } lookback)
        {
            json.WriteNumber("lookback_1h", lookback);
        }
        else
        {
            json.WriteNull("lookback_1h");
        }

        WriteStringOrNull(json, "horizon", f.HorizonText);
        WriteStringOrNull(json, "timeframe_rule", f.TimeframeRule);
        WriteStringOrNull(json, "ta_lib", d.TaLibFunction);
        json.WriteString("description", d.Description);
        json.WriteString("formula", d.Formula);
        json.WriteString("nan_rule", d.NanRule);
        json.WriteStartArray("parameters");
        foreach (var p in d.Parameters)
        {
            json.WriteStartObject();
            json.WriteString("name", p.Name);
            json.WriteNumber("value", p.Value);
            json.WriteNumber("min", p.Min);
            json.WriteNumber("max", p.Max);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteBoolean("streams", d.Streams);
        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
