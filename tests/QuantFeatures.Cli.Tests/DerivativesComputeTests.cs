using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Tests.Support;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Tests;

/// <summary>
/// compute with the derivatives families: a synthetic archive (every input of every single-frame family) gives the whole
/// single-frame catalogue, and the real sample files give exactly the features their inputs allow.
/// </summary>
public class DerivativesComputeTests
{
    /// <summary>Enough 1h bars for the longest window (252 days of funding settlements = 6,048 bars) to produce values.</summary>
    private const int Bars = 6_300;

    private static string Sample(params string[] parts) => Repo.Path(["samples", "data", "binance-um-2025", .. parts]);

    [Fact]
    public void Generate_then_compute_the_archive_gives_every_single_frame_feature_in_catalogue_order()
    {
        using var dir = new TempDir();
        string archive = dir.File("archive");
        CliRunner.Ok("generate", "--out", archive, "--bars", Bars.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The archive holds mark and index prices, the inputs of basis and premium.
        var files = Directory.GetFiles(archive).Select(Path.GetFileName).ToArray();
        Assert.Contains("SYNTHUSDT-1h-mark.csv", files);
        Assert.Contains("SYNTHUSDT-1h-index.csv", files);

        var output = dir.File("all.csv");
        CliRunner.Ok("compute", "--archive", archive, "--symbol", "SYNTHUSDT", "--timeframe", "1h", "--out", output);

        // Every catalogue feature except the microstructure family (which needs sub-bars), in catalogue order.
        var expected = FeatureCatalog.Default.Features.Where(f => f.Family != FeatureFamily.Microstructure).Select(f => f.Name).ToArray();
        Assert.Equal(153, expected.Length);
        var csv = OutputCsv.Load(output);
        Assert.Equal(["time", .. expected], csv.Header);
        Assert.Equal(Bars, csv.Rows.Length);
        Assert.Contains("basis", csv.Header);
        Assert.Contains("premium", csv.Header);

        // Every feature has values once its lookback has passed, and the last row is finite: the synthetic market has
        // liquidations on both sides in the last hour, so even the ratios of 1h liquidation sums are defined there.
        foreach (var name in expected)
        {
            var values = csv.Column(name);
            int lookback = FeatureCatalog.Default.Get(name).Lookback(Timeframe.OneHour);
            Assert.True(lookback < Bars, $"{name}: lookback {lookback} does not fit in {Bars} bars");
            Assert.True(double.IsFinite(values[^1]), $"{name}: the last row is {values[^1]}");
        }
    }

    [Fact]
    public async Task Sample_files_with_funding_and_mark_give_every_feature_their_inputs_allow_and_nothing_else()
    {
        using var dir = new TempDir();
        var output = dir.File("btc.csv");
        string bars = Sample("1h", "BTCUSDT-1h.csv"), funding = Sample("funding", "BTCUSDT-funding.csv"), mark = Sample("mark-8h", "BTCUSDT-8h-mark.csv");
        CliRunner.Ok("compute", "--input", bars, "--funding", funding, "--mark", mark, "--out", output);

        var klines = BarCsvReader.ReadFile(bars);
        var frame = await new MarketDataLoader(InMemoryKlineSource.FromFrame(klines))
            .WithFunding(CsvSources.Funding(funding))
            .WithReferencePrices(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [mark]))
            .LoadAsync(klines.Symbol, Timeframe.OneHour, TimeRange.All);
        var expected = FeatureCatalog.Default.AvailableFor(frame).Select(f => f.Name).ToArray();
        var csv = OutputCsv.Load(output);
        Assert.Equal(["time", .. expected], csv.Header);
        Assert.Equal(frame.Length, csv.Rows.Length);

        // Funding and mark are there; open interest, liquidations, positioning and the index price are not.
        var families = expected.Select(n => FeatureCatalog.Default.Get(n).Family).ToHashSet();
        Assert.Contains(FeatureFamily.Funding, families);
        Assert.DoesNotContain(FeatureFamily.OpenInterest, families);
        Assert.DoesNotContain(FeatureFamily.Liquidations, families);
        Assert.DoesNotContain(FeatureFamily.Positioning, families);
        Assert.Contains("funding_rate", expected);
        Assert.Contains("basis", expected);
        Assert.DoesNotContain("premium", expected);
        var fundingFeatures = FeatureCatalog.Default.InFamily(FeatureFamily.Funding).Select(f => f.Name).Where(n => n != "premium");
        Assert.All(fundingFeatures, n => Assert.Contains(n, expected));
    }
}
