using QuantFeatures.Cli.Commands;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Tests.Support;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv;

namespace QuantFeatures.Cli.Tests;

/// <summary>
/// The issue-3 command line: compute with derivatives files, a Binance archive folder and --resample-from (each compared
/// with the library called directly), generate (deterministic), validate (table, exit codes), and the option errors.
/// </summary>
public class DataInputTests
{
    private static string Sample(params string[] parts) => Repo.Path(["samples", "data", "binance-um-2025", .. parts]);

    /// <summary>The features the library computes for a frame, written the way the CLI writes them.</summary>
    private static string Expected(MarketFrame frame, TempDir dir, string name, string? family = null)
    {
        var engine = new FeatureEngineer();
        var names = engine.Catalog.AvailableFor(frame).Where(f => family is null || f.Family.Id() == family).Select(f => f.Name).ToArray();
        var path = dir.File(name);
        FeatureCsvWriter.WriteFile(engine.Compute(frame, names), path);
        return File.ReadAllText(path);
    }

    [Fact]
    public async Task Funding_and_mark_files_are_joined_point_in_time_as_the_loader_does()
    {
        using var dir = new TempDir();
        var output = dir.File("eth.csv");
        var r = CliRunner.Ok("compute", "--input", Sample("1h", "ETHUSDT-1h.csv"), "--funding", Sample("funding", "ETHUSDT-funding.csv"),
            "--mark", Sample("mark-8h", "ETHUSDT-8h-mark.csv"), "--out", output);
        Assert.Contains("+ --funding --mark", r.Stdout, StringComparison.Ordinal);

        var bars = BarCsvReader.ReadFile(Sample("1h", "ETHUSDT-1h.csv"));
        var frame = await new MarketDataLoader(InMemoryKlineSource.FromFrame(bars))
            .WithFunding(CsvSources.Funding(Sample("funding", "ETHUSDT-funding.csv")))
            .WithReferencePrices(CsvSources.ReferencePrices(ReferencePriceKind.Mark, [Sample("mark-8h", "ETHUSDT-8h-mark.csv")]))
            .LoadAsync(bars.Symbol, Timeframe.OneHour, TimeRange.All);
        Assert.True(frame.Has(MarketColumn.FundingRate));
        Assert.True(frame.Has(MarketColumn.MarkPrice));
        Assert.Equal(Expected(frame, dir, "expected.csv"), File.ReadAllText(output));
    }

    [Fact]
    public void Resample_from_1m_gives_the_resampler_s_bars_and_the_microstructure_features()
    {
        using var dir = new TempDir();
        var output = dir.File("btc.csv");
        CliRunner.Ok("compute", "--input", Sample("1m", "BTCUSDT-1m.csv.gz"), "--resample-from", "1m", "--timeframe", "1h", "--family", "microstructure", "--out", output);
        var minutes = BarCsvReader.ReadFile(Sample("1m", "BTCUSDT-1m.csv.gz"), Timeframe.OneMinute);
        var hourly = Resampler.Resample(minutes, Timeframe.OneHour);
        Assert.Equal(Expected(hourly, dir, "expected.csv", "microstructure"), File.ReadAllText(output));
        Assert.StartsWith("time,vwap_deviation,realized_vol_intrabar,volume_cv_intrabar,price_efficiency,volatility_regime_168h\n", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_is_deterministic_and_compute_reads_the_archive_folder_back()
    {
        using var dir = new TempDir();
        string a = dir.File("a"), b = dir.File("b");
        CliRunner.Ok("generate", "--out", a, "--bars", "600", "--seed", "7");
        CliRunner.Ok("generate", "--out", b, "--bars", "600", "--seed", "7");
        var files = Directory.GetFiles(a).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(6, files.Length);
        foreach (var f in files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, f!)), File.ReadAllBytes(Path.Combine(b, f!)));
        }

        var output = dir.File("syn.csv");
        CliRunner.Ok("compute", "--archive", a, "--symbol", "SYNTHUSDT", "--timeframe", "1h", "--out", output);
        var archive = new BinanceArchiveDirectory(a);
        var frame = await new MarketDataLoader(archive.Klines(Timeframe.OneHour)).WithFunding(archive.Funding())
            .WithOpenInterest(archive.OpenInterest()).WithPositioning(archive.Positioning()).WithLiquidations(archive.Liquidations())
            .WithReferencePrices(new CombinedSource<ReferencePrice>(archive.MarkPrices(), archive.IndexPrices()))
            .LoadAsync("SYNTHUSDT", Timeframe.OneHour, TimeRange.All);
        Assert.Equal(600, frame.Length);
        foreach (var column in new[] { MarketColumn.TakerBuyVolume, MarketColumn.FundingRate, MarketColumn.OpenInterest, MarketColumn.LongShortRatio, MarketColumn.LongLiquidationNotional, MarketColumn.MarkPrice, MarketColumn.IndexPrice })
        {
            Assert.True(frame.Has(column), column.Name());
        }

        Assert.Equal(Expected(frame, dir, "expected.csv"), File.ReadAllText(output));
    }

    [Fact]
    public void Validate_prints_the_report_and_exits_3_on_a_fatal_check()
    {
        var clean = CliRunner.Ok("validate", "--input", Repo.BtcHourly);
        Assert.Contains("high_below_low", clean.Stdout, StringComparison.Ordinal);
        Assert.Contains("validate: 719 rows", clean.Stdout, StringComparison.Ordinal);

        using var dir = new TempDir();
        var bad = dir.Write("bad.csv",
            "time,open,high,low,close,volume\n2025-01-01T00:00:00Z,10,11,9,10,5\n2025-01-01T02:00:00Z,10,11,9,10,5\n2025-01-01T01:00:00Z,10,9,11,10,5\n2025-01-01T01:00:00Z,10,9,11,10,5\n");
        var r = CliRunner.Run("validate", "--input", bad, "--timeframe", "1h");
        Assert.Equal(ValidateCommand.FatalExitCode, r.ExitCode);
        Assert.Matches(@"high_below_low\s+fatal\s+FAIL\s+2\b", r.Stdout);
        Assert.Matches(@"duplicate_times\s+fatal\s+FAIL\s+1\b", r.Stdout);
        Assert.Matches(@"unsorted_times\s+fatal\s+FAIL", r.Stdout);
        Assert.Contains("FATAL check failed", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--resample-from", "1m", "--resample-from needs --timeframe")]
    [InlineData("--archive", "nowhere-at-all", "--archive: no such folder")]
    [InlineData("--funding", "nowhere.csv", "--funding: no such file or folder")]
    public void Inconsistent_data_options_are_one_line_errors(string option, string value, string message)
    {
        using var dir = new TempDir();
        var line = CliRunner.Run("compute", option, value, "--out", dir.File("x.csv")).AssertSingleLineError();
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeframe_that_is_not_a_multiple_of_the_source_is_an_error()
    {
        using var dir = new TempDir();
        var line = CliRunner.Run("compute", "--input", Repo.BtcHourly, "--resample-from", "1h", "--timeframe", "90m", "--out", dir.File("x.csv")).AssertSingleLineError();
        Assert.Contains("not a whole multiple", line, StringComparison.Ordinal);
    }
}
