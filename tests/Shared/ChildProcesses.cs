using System.Diagnostics;
using System.Reflection;

namespace QuantFeatures.Storage.Contract;

/// <summary>
/// Starts a test assembly again as a child process (through its own entry point), for tests that kill a writer
/// mid-batch: the child runs the production write path in a process the test can SIGKILL.
/// </summary>
public static class ChildProcesses
{
    /// <summary>Runs <paramref name="assembly"/> with <paramref name="args"/> under the same dotnet host, output redirected.</summary>
    public static Process Start(Assembly assembly, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly.Location);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Cannot start the child process.");
    }

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
