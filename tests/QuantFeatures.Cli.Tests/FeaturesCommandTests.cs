using System.Text.Json;
using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

public class FeaturesCommandTests
{
    [Fact]
    public void Json_lists_every_catalogue_entry_with_its_metadata()
    {
        var r = CliRunner.Ok("features", "--json");
        using var doc = JsonDocument.Parse(r.Stdout);
        var items = doc.RootElement.EnumerateArray().ToArray();
        var catalog = FeatureCatalog.Default;
        Assert.Equal(catalog.Count, items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            var e = items[i];
            var d = catalog.Features[i];
            Assert.Equal(d.Name, e.GetProperty("name").GetString());
            Assert.Equal(d.Family.Id(), e.GetProperty("family").GetString());
            Assert.Equal(d.Inputs.Select(c => c.Name()), e.GetProperty("inputs").EnumerateArray().Select(x => x.GetString()));
            Assert.Equal(d.Description, e.GetProperty("description").GetString());
            Assert.Equal(d.Formula, e.GetProperty("formula").GetString());
            Assert.Equal(d.NanRule, e.GetProperty("nan_rule").GetString());
            Assert.Equal(d.TaLibFunction, e.GetProperty("ta_lib").ValueKind == JsonValueKind.Null ? null : e.GetProperty("ta_lib").GetString());
            Assert.False(string.IsNullOrWhiteSpace(d.Description));
            Assert.False(string.IsNullOrWhiteSpace(d.Formula));
            Assert.False(string.IsNullOrWhiteSpace(d.NanRule));

            var lookback = e.GetProperty("lookback_1h");
            if (d.UnavailableReason(Timeframe.OneHour) is null)
            {
                Assert.Equal(d.Lookback(Timeframe.OneHour), lookback.GetInt32());
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, lookback.ValueKind);
            }

            Assert.Equal(d.Horizon is not null, e.GetProperty("timeframe_rule").ValueKind == JsonValueKind.String);
            Assert.Equal(d.Horizon is not null, e.GetProperty("horizon").ValueKind == JsonValueKind.String);

            var parameters = e.GetProperty("parameters").EnumerateArray().ToArray();
            Assert.Equal(d.Parameters.Count, parameters.Length);
            for (int k = 0; k < parameters.Length; k++)
            {
                Assert.Equal(d.Parameters[k].Name, parameters[k].GetProperty("name").GetString());
                Assert.Equal(d.Parameters[k].Value, parameters[k].GetProperty("value").GetDouble());
                Assert.Equal(d.Parameters[k].Min, parameters[k].GetProperty("min").GetDouble());
                Assert.Equal(d.Parameters[k].Max, parameters[k].GetProperty("max").GetDouble());
            }
        }
    }

    [Fact]
    public void Text_lists_every_feature_with_formula_and_nan_rule()
    {
        var r = CliRunner.Ok("features");
        var lines = r.Stdout.Split('\n');
        foreach (var d in FeatureCatalog.Default.Features)
        {
            int at = Array.FindIndex(lines, l => l.StartsWith(d.Name + " ", StringComparison.Ordinal));
            Assert.True(at >= 0, $"{d.Name} is not listed");
            Assert.Contains(d.Family.Id(), lines[at]);
            Assert.Equal("    " + d.Description, lines[at + 1]);
            Assert.Equal("    formula:    " + d.Formula, lines[at + 2]);
            Assert.Equal("    NaN rule:   " + d.NanRule, lines[at + 3]);
            if (d.TaLibFunction is not null)
            {
                Assert.Contains(d.TaLibFunction, lines[at]);
            }
        }

        Assert.Contains($"{FeatureCatalog.Default.Count} feature(s)", r.Stdout);
    }

    [Fact]
    public void Horizon_features_show_the_timeframe_rule()
    {
        var horizon = FeatureCatalog.Default.Features.FirstOrDefault(f => f.Horizon is not null);
        Assert.NotNull(horizon);
        var lines = CliRunner.Ok("features").Stdout.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith(horizon.Name + " ", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(at + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)), l => l.Contains("whole multiple of the timeframe", StringComparison.Ordinal));
    }

    [Fact]
    public void Family_filter()
    {
        foreach (var family in Enum.GetValues<FeatureFamily>())
        {
            using var doc = JsonDocument.Parse(CliRunner.Ok("features", "--family", family.Id(), "--json").Stdout);
            var names = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray();
            Assert.Equal(FeatureCatalog.Default.InFamily(family).Select(f => f.Name), names);
        }
    }
}
