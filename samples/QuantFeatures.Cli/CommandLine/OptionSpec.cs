namespace QuantFeatures.Cli.CommandLine;

/// <summary>One option a command accepts.</summary>
/// <param name="Name">Long name without dashes, e.g. <c>input</c> for <c>--input</c>.</param>
/// <param name="ValueName">Placeholder of the value in help (e.g. <c>FILE</c>), or null for a flag.</param>
/// <param name="Help">One-line description.</param>
/// <param name="Short">Optional one-letter alias, e.g. <c>i</c> for <c>-i</c>.</param>
public sealed record OptionSpec(string Name, string? ValueName, string Help, char? Short = null)
{
    /// <summary>Whether the option is a flag (takes no value).</summary>
    public bool IsFlag => ValueName is null;
}
