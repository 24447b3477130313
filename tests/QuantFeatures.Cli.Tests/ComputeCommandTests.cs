using System.Globalization;
using System.Text.RegularExpressions;
using QuantFeatures.Cli.Csv;
using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

public partial class ComputeCommandTests
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex TimeFormat();

    [Fact]
    public void Output_format_is_exact_for_a_hand_checked_input()
    {
        // Closes 64 → 80 → 40 → 40: return_1 = 80/64 − 1 = 0.25, 40/80 − 1 = −0.5, 40/40 − 1 = 0 (all exact in binary).
        using var dir = new TempDir();
        var input = dir.Write("tiny.csv", "time,open,high,low,close\n2025-01-01T00:00:00Z,64,64,64,64\n2025-01-01T01:00:00Z,64,80,64,80\n2025-01-01T02:00:00Z,80,80,40,40\n2025-01-01T03:00:00Z,40,40,40,40\n");
        var output = dir.File("out.csv");
        CliRunner.Ok("compute", "--input", input, "--out", output, "--features", "return_1");
        Assert.Equal("time,return_1\n2025-01-01T00:00:00Z,\n2025-01-01T01:00:00Z,0.25\n2025-01-01T02:00:00Z,-0.5\n2025-01-01T03:00:00Z,0\n", File.ReadAllText(output));
    }

    [Fact]
    public void Sample_file_gives_every_available_feature_with_round_trip_values_and_finite_values_after_the_lookback()
    {
        using var dir = new TempDir();
        var output = dir.File("features.csv");
        var r = CliRunner.Ok("compute", "--input", Repo.BtcHourly, "--out", output);
        Assert.Single(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("compute: 719 rows", r.Stdout);

        var frame = BarCsvReader.ReadFile(Repo.BtcHourly);
        var expectedNames = FeatureCatalog.Default.AvailableFor(frame).Select(f => f.Name).ToArray();
        Assert.NotEmpty(expectedNames);
        var csv = OutputCsv.Load(output);
        Assert.Equal(["time", .. expectedNames], csv.Header);
        Assert.Equal(frame.Length, csv.Rows.Length);

        // time = bar OPEN time in the exact format.
        var times = csv.Cells("time");
        for (int t = 0; t < frame.Length; t++)
        {
            Assert.Matches(TimeFormat(), times[t]);
            Assert.Equal(frame.Time[t], DateTimeOffset.Parse(times[t], CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        }

        // Every value round-trips bit for bit to what the library computes; NaN is an empty cell.
        var matrix = new FeatureEngineer().ComputeAll(frame);
        foreach (var name in expectedNames)
        {
            var written = csv.Column(name);
            var computed = matrix[name];
            var cells = csv.Cells(name);
            int lookback = FeatureCatalog.Default.Get(name).Lookback(frame.Timeframe);
            for (int t = 0; t < frame.Length; t++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(computed[t]), BitConverter.DoubleToInt64Bits(written[t]));
                Assert.Equal(double.IsNaN(computed[t]), cells[t].Length == 0);
                if (t < lookback)
                {
                    Assert.True(cells[t].Length == 0, $"{name}[{t}] should be empty (lookback {lookback}) but is '{cells[t]}'");
                }
                else
                {
                    Assert.True(double.IsFinite(written[t]), $"{name}[{t}] is not finite after its lookback {lookback}: '{cells[t]}'");
                }
            }
        }
    }

    [Fact]
    public void Without_input_the_embedded_sample_is_used()
    {
        using var dir = new TempDir();
        CliRunner.Ok("compute", "--out", dir.File("embedded.csv"));
        CliRunner.Ok("compute", "--input", Repo.BtcHourly, "--out", dir.File("file.csv"));
        Assert.Equal(File.ReadAllText(dir.File("file.csv")), File.ReadAllText(dir.File("embedded.csv")));
    }

    [Fact]
    public void Named_features_come_out_in_catalogue_order()
    {
        using var dir = new TempDir();
        var names = FeatureCatalog.Default.Features.Select(f => f.Name).Take(4).ToArray();
        CliRunner.Ok("compute", "--out", dir.File("f.csv"), "--features", string.Join(",", names.Reverse()));
        Assert.Equal(["time", .. names], OutputCsv.Load(dir.File("f.csv")).Header);
    }

    [Fact]
    public void A_family_gives_its_available_features_only()
    {
        using var dir = new TempDir();
        var frame = BarCsvReader.ReadFile(Repo.BtcHourly);
        var family = FeatureCatalog.Default.AvailableFor(frame).First().Family;
        CliRunner.Ok("compute", "--input", Repo.BtcHourly, "--out", dir.File("f.csv"), "--family", family.Id());
        var expected = FeatureCatalog.Default.AvailableFor(frame).Where(f => f.Family == family).Select(f => f.Name);
        Assert.Equal(["time", .. expected], OutputCsv.Load(dir.File("f.csv")).Header);
    }

    [Fact]
    public void Gzip_input_binance_layout_and_gzip_output()
    {
        using var dir = new TempDir();
        var frame = BarCsvReader.ReadFile(Repo.BtcHourly);
        var lines = new List<string>();
        for (int t = 0; t < frame.Length; t++)
        {
            long us = frame.Time[t] * 1000;
            lines.Add(string.Join(",", us.ToString(CultureInfo.InvariantCulture), R(frame.Open[t]), R(frame.High[t]), R(frame.Low[t]), R(frame.Close[t]), R(frame.Volume[t]),
                (us + 3_599_999_999).ToString(CultureInfo.InvariantCulture), R(frame.Volume[t] * frame.Close[t]), "100", R(frame.Volume[t] / 2), R(frame.Volume[t] * frame.Close[t] / 2), "0"));
        }

        var input = dir.WriteGz("BTCUSDT-1h-2025-03.csv.gz", string.Join("\n", lines) + "\n");
        CliRunner.Ok("compute", "--input", input, "--out", dir.File("f.csv.gz"), "--features", "sma_20");
        CliRunner.Ok("compute", "--input", Repo.BtcHourly, "--out", dir.File("ref.csv"), "--features", "sma_20");
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(dir.File("f.csv.gz")), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        Assert.Equal(File.ReadAllText(dir.File("ref.csv")), reader.ReadToEnd());
    }

    [Fact]
    public void Dash_writes_csv_to_stdout_and_the_summary_to_stderr()
    {
        var r = CliRunner.Ok("compute", "--out", "-", "--features", "return_1");
        Assert.StartsWith("time,return_1\n2025-03-06T11:00:00Z,\n", r.Stdout);
        Assert.StartsWith("compute: 719 rows × 1 features", r.Stderr);
    }

    [Fact]
    public void Periods_per_year_and_timeframe_options_are_validated()
    {
        CliRunner.Run("compute", "--out", "-", "--periods-per-year", "-1").AssertSingleLineError(CliApp.UsageError);
        Assert.Contains("Invalid timeframe '1x'", CliRunner.Run("compute", "--out", "-", "--timeframe", "1x").AssertSingleLineError(CliApp.UserError));
        var ok = CliRunner.Ok("compute", "--out", "-", "--timeframe", "1h", "--periods-per-year", "8760", "--features", "return_1");
        Assert.Contains("1h", ok.Stderr);
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
