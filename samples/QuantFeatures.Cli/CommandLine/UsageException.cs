namespace QuantFeatures.Cli.CommandLine;

/// <summary>A command-line mistake (unknown command or option, missing or repeated value): exit code 2.</summary>
public sealed class UsageException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public UsageException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
