using System.Text.Json;
using QuantFeatures.Cli.Bench;
using QuantFeatures.Cli.Commands;
using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public void Json_has_every_available_feature_and_the_whole_catalogue()
    {
        const int bars = 3000;
        var r = CliRunner.Ok("bench", "--bars", "3,000", "--runs", "1", "--json");
        using var doc = JsonDocument.Parse(r.Stdout);
        var items = doc.RootElement.EnumerateArray().ToArray();
        var expected = FeatureCatalog.Default.AvailableFor(SyntheticMarket.Create(bars)).Select(f => f.Name).ToList();
        expected.Add(BenchCommand.CatalogAll);
        Assert.Equal(expected, items.Select(e => e.GetProperty("name").GetString()));
        foreach (var e in items)
        {
            Assert.Equal(["name", "ns_per_bar", "allocated_bytes"], e.EnumerateObject().Select(p => p.Name));
            Assert.True(e.GetProperty("ns_per_bar").GetDouble() > 0);

            // At least the output column (8 bytes per bar) is allocated by every call.
            Assert.True(e.GetProperty("allocated_bytes").GetInt64() >= bars * sizeof(double));
        }
    }

    [Fact]
    public void The_synthetic_data_has_every_input_the_price_volume_and_time_families_read()
    {
        var frame = SyntheticMarket.Create(500);
        foreach (var c in new[] { MarketColumn.Volume, MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume })
        {
            Assert.True(frame.Has(c), c.Name());
        }

        var families = new[] { FeatureFamily.Price, FeatureFamily.Volume, FeatureFamily.TimeQuality };
        Assert.All(FeatureCatalog.Default.Features.Where(f => families.Contains(f.Family)), f => Assert.Empty(f.MissingInputs(frame)));
    }

    [Fact]
    public void The_synthetic_data_has_every_input_of_the_derivatives_families()
    {
        var frame = SyntheticMarket.Create(500);
        var families = new[] { FeatureFamily.OpenInterest, FeatureFamily.Funding, FeatureFamily.Liquidations, FeatureFamily.Positioning };
        var derivatives = FeatureCatalog.Default.Features.Where(f => families.Contains(f.Family)).ToArray();
        Assert.Equal(55, derivatives.Length);
        Assert.All(derivatives, f => Assert.Empty(f.MissingInputs(frame)));
        Assert.All(derivatives, f => Assert.Null(f.UnavailableReason(frame.Timeframe)));

        // Only the microstructure family (sub-bars) is left out of 'bench'.
        Assert.Equal(FeatureCatalog.Default.Features.Where(f => f.Family != FeatureFamily.Microstructure).Select(f => f.Name),
            FeatureCatalog.Default.AvailableFor(frame).Select(f => f.Name));
    }

    [Fact]
    public void Synthetic_data_is_deterministic_and_consistent()
    {
        var a = SyntheticMarket.Create(1000);
        var b = SyntheticMarket.Create(1000);
        foreach (var c in a.Columns)
        {
            Assert.Equal(a[c].ToArray(), b[c].ToArray());
        }

        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(a.High[i] >= Math.Max(a.Open[i], a.Close[i]));
            Assert.True(a.Low[i] <= Math.Min(a.Open[i], a.Close[i]));
            Assert.InRange(a[MarketColumn.TakerBuyVolume][i], 0, a.Volume[i]);
        }
    }

    [Fact]
    public void Text_output_reports_ns_per_feature_value()
    {
        var names = FeatureCatalog.Default.Features.Take(2).Select(f => f.Name).ToArray();
        var r = CliRunner.Ok("bench", "--bars", "2000", "--runs", "1", "--features", string.Join(",", names));
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("bench: 2,000 synthetic bars", lines[0]);
        Assert.Contains(lines, l => l.StartsWith(names[0] + " ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(BenchCommand.SelectionAll, StringComparison.Ordinal) && l.Contains("ns per feature value", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_feature_is_an_error() =>
        Assert.Contains("Unknown feature", CliRunner.Run("bench", "--bars", "100", "--features", "nope").AssertSingleLineError(CliApp.UserError));
}
