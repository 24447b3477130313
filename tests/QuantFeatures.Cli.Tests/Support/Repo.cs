namespace QuantFeatures.Cli.Tests.Support;

/// <summary>Paths in the repository and a disposable temporary directory.</summary>
public static class Repo
{
    /// <summary>The repository root (found by walking up to QuantFeatures.sln).</summary>
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string BtcHourly => Path("samples", "data", "binance-um-2025", "1h", "BTCUSDT-1h.csv");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "QuantFeatures.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (QuantFeatures.sln).");
    }
}

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Directory);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "qf-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>Writes text (no BOM unless <paramref name="bom"/>) and returns the path.</summary>
    public string Write(string name, string text, bool bom = false)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text, new System.Text.UTF8Encoding(bom));
        return path;
    }

    /// <summary>Writes gzip-compressed text and returns the path.</summary>
    public string WriteGz(string name, string text)
    {
        var path = File(name);
        using var file = System.IO.File.Create(path);
        using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        gz.Write(bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
