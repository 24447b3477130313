using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

/// <summary>Every user error: exit code ≠ 0, nothing on stdout, one line on stderr that says what is wrong.</summary>
public class CliErrorTests
{
    private const string Header = "time,open,high,low,close,volume\n";

    [Fact]
    public void Missing_input_file()
    {
        using var dir = new TempDir();
        var line = CliRunner.Run("compute", "--input", dir.File("nope.csv"), "--out", dir.File("o.csv")).AssertSingleLineError(CliApp.UserError);
        Assert.Contains("nope.csv", line);
        Assert.Contains("does not exist", line);
        Assert.False(File.Exists(dir.File("o.csv")));
    }

    [Fact]
    public void Malformed_number_names_file_line_and_column()
    {
        using var dir = new TempDir();
        var input = dir.Write("bars.csv", Header + "1741258800,1,2,0.5,1.5,10\n1741262400,1,2,0.5,1.5,10\n1741266000,1,2,0.5,1;5,10\n");
        var line = CliRunner.Run("compute", "--input", input, "--out", dir.File("o.csv")).AssertSingleLineError(CliApp.UserError);
        Assert.Contains("bars.csv: line 4, column 5 (close): invalid number '1;5'", line);
    }

    [Fact]
    public void Unknown_feature()
    {
        var line = CliRunner.Run("compute", "--out", "-", "--features", "return_1,rsi_99999").AssertSingleLineError(CliApp.UserError);
        Assert.Contains("Unknown feature 'rsi_99999'", line);
        Assert.DoesNotContain("(Parameter", line);
    }

    [Fact]
    public void Unknown_family()
    {
        Assert.Contains("Unknown feature family 'prices'", CliRunner.Run("compute", "--out", "-", "--family", "prices").AssertSingleLineError(CliApp.UserError));
        Assert.Contains("Unknown feature family 'prices'", CliRunner.Run("features", "--family", "prices").AssertSingleLineError(CliApp.UserError));
    }

    [Fact]
    public void Missing_input_column_for_a_named_feature()
    {
        var feature = FeatureCatalog.Default.Features.FirstOrDefault(f => f.Inputs.Any(c => !MarketColumns.Required.Contains(c)));
        if (feature is null)
        {
            // Only OHLC features are registered: OHLC are required in every file, so no named feature can lack an input.
            Assert.All(FeatureCatalog.Default.Features, f => Assert.All(f.Inputs, c => Assert.Contains(c, MarketColumns.Required)));
            return;
        }

        // A file with OHLC only lacks every optional input the feature reads.
        using var dir = new TempDir();
        var input = dir.Write("ohlc.csv", "time,open,high,low,close\n1741258800,1,2,0.5,1.5\n1741262400,1,2,0.5,1.5\n");
        var line = CliRunner.Run("compute", "--input", input, "--out", dir.File("o.csv"), "--features", feature.Name).AssertSingleLineError(CliApp.UserError);
        var missing = feature.Inputs.First(c => !MarketColumns.Required.Contains(c)).Name();
        Assert.Contains($"'{feature.Name}'", line);
        Assert.Contains($"'{missing}'", line);
    }

    [Theory]
    [InlineData("1741262400,1,2,0.5,1.5,10\n1741258800,1,2,0.5,1.5,10\n", "line 3, column 1 (time): time 2025-03-06T11:00:00Z is earlier than")]
    [InlineData("1741258800,1,2,0.5,1.5,10\n2025-03-06T11:00:00Z,1,2,0.5,1.5,10\n", "line 3, column 1 (time): duplicate time 2025-03-06T11:00:00Z (also on line 2)")]
    public void Unsorted_or_duplicate_times(string rows, string expected)
    {
        using var dir = new TempDir();
        var input = dir.Write("bars.csv", Header + rows);
        Assert.Contains(expected, CliRunner.Run("compute", "--input", input, "--out", dir.File("o.csv")).AssertSingleLineError(CliApp.UserError));
    }

    [Fact]
    public void Corrupt_gzip()
    {
        using var dir = new TempDir();
        var path = dir.File("broken.csv.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        CliRunner.Run("compute", "--input", path, "--out", dir.File("o.csv")).AssertSingleLineError(CliApp.UserError);
    }

    [Fact]
    public void Output_directory_that_does_not_exist()
    {
        using var dir = new TempDir();
        var line = CliRunner.Run("compute", "--out", Path.Combine(dir.Directory, "no", "such", "dir", "f.csv")).AssertSingleLineError(CliApp.UserError);
        Assert.Contains("does not exist", line);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "Unknown command 'frobnicate'")]
    [InlineData(new[] { "--frob" }, "Unknown option '--frob'")]
    [InlineData(new[] { "compute", "--out", "-", "--frob" }, "Unknown option '--frob' for command 'compute'")]
    [InlineData(new[] { "compute" }, "needs --out")]
    [InlineData(new[] { "compute", "--out" }, "Option --out needs a value")]
    [InlineData(new[] { "compute", "--out", "a.csv", "--out", "b.csv" }, "given more than once")]
    [InlineData(new[] { "compute", "--out", "-", "--features", "return_1", "--family", "price" }, "either --features or --family")]
    [InlineData(new[] { "compute", "stray", "--out", "-" }, "Unexpected argument 'stray'")]
    [InlineData(new[] { "features", "--json=yes" }, "is a flag")]
    [InlineData(new[] { "bench", "--bars", "0" }, "--bars must be a positive integer")]
    [InlineData(new[] { "bench", "--bars", "many" }, "--bars must be a positive integer")]
    [InlineData(new[] { "docs" }, "needs --out")]
    public void Command_line_mistakes_exit_with_2(string[] args, string expected) =>
        Assert.Contains(expected, CliRunner.Run(args).AssertSingleLineError(CliApp.UsageError));

    [Fact]
    public void Nothing_is_written_when_the_request_fails()
    {
        using var dir = new TempDir();
        var output = dir.File("o.csv");
        CliRunner.Run("compute", "--out", output, "--features", "no_such_feature").AssertSingleLineError();
        Assert.Empty(Directory.GetFiles(dir.Directory));
    }
}
