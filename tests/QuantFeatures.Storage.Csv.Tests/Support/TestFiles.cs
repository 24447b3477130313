using System.IO.Compression;
using System.Text;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Tests.Support;

/// <summary>A temporary folder deleted at dispose, plus helpers to write test files in every container.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qf-csv-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes text as-is (.csv), gzip (.gz) or a zip holding one entry (.zip; entry name given or derived).</summary>
    public string Write(string relative, string text, string? zipEntry = null)
    {
        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var f = System.IO.File.Create(path);
            using var gz = new GZipStream(f, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else if (path.EndsWith(".zip", StringComparison.Ordinal))
        {
            using var f = System.IO.File.Create(path);
            using var zip = new ZipArchive(f, ZipArchiveMode.Create);
            var entry = zip.CreateEntry(zipEntry ?? System.IO.Path.GetFileNameWithoutExtension(path) + ".csv");
            using var s = entry.Open();
            s.Write(bytes);
        }
        else
        {
            System.IO.File.WriteAllBytes(path, bytes);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Sample(params string[] parts) => Path.Combine([Root, "samples", "data", "binance-um-2025", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantFeatures.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (QuantFeatures.sln).");
    }
}

public static class Read
{
    public static List<T> All<T>(IMarketDataSource<T> source, string symbol = "BTCUSDT", TimeRange? range = null)
        where T : struct, IMarketRecord
        => AllAsync(source, symbol, range).GetAwaiter().GetResult();

    public static async Task<List<T>> AllAsync<T>(IMarketDataSource<T> source, string symbol = "BTCUSDT", TimeRange? range = null)
        where T : struct, IMarketRecord
    {
        var list = new List<T>();
        await foreach (var r in source.ReadAsync(symbol, range ?? TimeRange.All))
        {
            list.Add(r);
        }

        return list;
    }

    /// <summary>Unix ms of a UTC instant written out (an independent computation for expected times).</summary>
    public static long Ms(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) =>
        new DateTimeOffset(y, mo, d, h, mi, s, ms, TimeSpan.Zero).ToUnixTimeMilliseconds();
}
