namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>The entry point of the test assembly when it runs as a child process (see ParquetKillTests); the test
/// runner itself does not call it.</summary>
public static class ChildProcess
{
    public static int Main(string[] args) => ParquetKillTests.RunChild(args);
}
