
namespace QuantFeatures.Storage.Sqlite.Tests;

/// <summary>A fresh database file in a folder of its own, deleted (with its -wal and -shm files) at the end.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qf-sqlite-" + Guid.NewGuid().ToString("N"));

    public string File(string name = "store.db") => System.IO.Path.Combine(Path, name);

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

    /// <summary>A migrated store on a new file of a temporary folder that lives as long as the test process.</summary>
    public static async Task<SqliteMarketStore> NewStoreAsync(TimeProvider clock, string name = "store.db")
    {
        var dir = new TempDir();
        s_dirs.Add(dir);
        return await SqliteMarketStore.OpenAsync(dir.File(name), new SqliteStoreOptions { TimeProvider = clock });
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<TempDir> s_dirs = Cleanup();

    private static System.Collections.Concurrent.ConcurrentBag<TempDir> Cleanup()
    {
        var dirs = new System.Collections.Concurrent.ConcurrentBag<TempDir>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var d in dirs)
            {
                d.Dispose();
            }
        };
        return dirs;
    }
}
