namespace QuantFeatures.Cli.Tests.Support;

/// <summary>The result of one in-process run of the command line.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Asserts a user-facing failure: non-zero exit code, nothing on stdout, exactly one line on stderr starting with "error: ".</summary>
    public string AssertSingleLineError(int? exitCode = null)
    {
        Assert.NotEqual(0, ExitCode);
        if (exitCode is { } code)
        {
            Assert.Equal(code, ExitCode);
        }

        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{Stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", Stderr);
        Assert.DoesNotContain("Exception", Stderr);
        return lines[0];
    }
}

/// <summary>Runs <see cref="CliApp.Run"/> in-process with captured output.</summary>
public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and asserts exit code 0, showing stderr on failure.</summary>
    public static CliResult Ok(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, $"exit code {r.ExitCode}; stderr: {r.Stderr}");
        return r;
    }
}
