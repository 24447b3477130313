using QuantFeatures.Cli.Tests.Support;

namespace QuantFeatures.Cli.Tests;

/// <summary>compute --engine stream gives byte-identical CSV to --engine batch: on the real sample files (bars + funding +
/// mark; 1m bars resampled to 1h with LAYERUSDT's funding interval change) and on a synthetic archive with every input.</summary>
public class StreamEngineComputeTests
{
    private static string Sample(params string[] parts) => Repo.Path(["samples", "data", "binance-um-2025", .. parts]);

    private static void Identical(TempDir dir, params string[] args)
    {
        string batch = dir.File("batch.csv"), stream = dir.File("stream.csv");
        CliRunner.Ok(["compute", .. args, "--engine", "batch", "--out", batch]);
        CliRunner.Ok(["compute", .. args, "--engine", "stream", "--out", stream]);
        Assert.Equal(File.ReadAllBytes(batch), File.ReadAllBytes(stream));
        Assert.True(new FileInfo(batch).Length > 10_000);
    }

    [Fact]
    public void Btc_1h_with_funding_and_mark()
    {
        using var dir = new TempDir();
        Identical(dir, "--input", Sample("1h", "BTCUSDT-1h.csv"), "--funding", Sample("funding", "BTCUSDT-funding.csv"),
            "--mark", Sample("mark-8h", "BTCUSDT-8h-mark.csv"));
    }

    [Fact]
    public void Layer_1m_resampled_to_1h_with_its_interval_change()
    {
        using var dir = new TempDir();
        Identical(dir, "--input", Sample("1m", "LAYERUSDT-1m.csv.gz"), "--resample-from", "1m", "--timeframe", "1h",
            "--funding", Sample("funding", "LAYERUSDT-funding.csv"), "--mark", Sample("mark-8h", "LAYERUSDT-8h-mark.csv"));
    }

    [Fact]
    public void Synthetic_archive_with_every_input()
    {
        using var dir = new TempDir();
        string archive = dir.File("archive");
        CliRunner.Ok("generate", "--out", archive, "--bars", "3000");
        Identical(dir, "--archive", archive, "--symbol", "SYNTHUSDT", "--timeframe", "1h");
    }

    [Fact]
    public void An_unknown_engine_is_a_usage_error()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("compute", "--engine", "gpu", "--out", dir.File("x.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--engine", result.Stderr, StringComparison.Ordinal);
    }
}
