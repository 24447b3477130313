using QuantFeatures.Cli.CommandLine;

namespace QuantFeatures.Cli.Commands;

/// <summary>One sub-command of <c>quantfeatures</c>.</summary>
public interface ICommand
{
    /// <summary>The command name, e.g. <c>compute</c>.</summary>
    string Name { get; }

    /// <summary>One-line summary for the command list.</summary>
    string Summary { get; }

    /// <summary>The usage line, e.g. <c>compute --input FILE --out FILE.csv [options]</c>.</summary>
    string Usage { get; }

    /// <summary>Further help text after the option list (examples, notes); may be empty.</summary>
    string Details { get; }

    /// <summary>The options the command accepts (besides <c>--help</c>).</summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs the command.</summary>
    /// <returns>The process exit code (0 = success).</returns>
    int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr);
}
