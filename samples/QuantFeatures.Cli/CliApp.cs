using System.Reflection;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Cli.Commands;

namespace QuantFeatures.Cli;

/// <summary>
/// The <c>quantfeatures</c> command line, callable in-process (<see cref="Run"/>) for tests and embedding.
/// </summary>
/// <remarks>
/// Exit codes: 0 success; 1 a user error (bad file or data, unknown feature or family, missing input column, I/O);
/// 2 a command-line error (unknown command or option, missing value); 70 an internal error. Every error is one line
/// on stderr, prefixed <c>error: </c>, without a stack trace (set QUANTFEATURES_DEBUG=1 to get one for internal errors).
/// </remarks>
public static class CliApp
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code of a user error (input data, names, files).</summary>
    public const int UserError = 1;

    /// <summary>Exit code of a command-line usage error.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of an unexpected internal error (a bug).</summary>
    public const int InternalError = 70;

    /// <summary>The commands, in help order.</summary>
    public static IReadOnlyList<ICommand> Commands { get; } = [new ComputeCommand(), new IngestCommand(), new FeaturesCommand(), new ValidateCommand(), new GenerateCommand(), new BenchCommand(), new DocsCommand(), new ServeCommand()];

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments, command first (e.g. <c>compute --out f.csv</c>).</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors (one line each) go.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            return Dispatch(args, stdout, stderr);
        }
        catch (UsageException ex)
        {
            return Fail(stderr, UsageError, Message(ex));
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            return Fail(stderr, UserError, Message(ex));
        }
#pragma warning disable CA1031 // The CLI boundary: report any failure as one line and an exit code instead of a crash dump.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (Environment.GetEnvironmentVariable("QUANTFEATURES_DEBUG") is { Length: > 0 })
            {
                stderr.WriteLine(ex.ToString());
            }

            return Fail(stderr, InternalError, $"internal error ({ex.GetType().Name}): {Message(ex)} (please report it; set QUANTFEATURES_DEBUG=1 for a stack trace)");
        }
    }

    /// <summary>The version of the tool.</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CliApp).Assembly.GetName().Version?.ToString() ?? "0";

    private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "-?" or "help" && args.Length == 1)
        {
            WriteHelp(stdout);
            return Success;
        }

        if (args[0] is "--version" or "version")
        {
            stdout.WriteLine($"quantfeatures {Version} (catalogue {FeatureCatalog.CatalogVersion})");
            return Success;
        }

        if (args[0] == "help")
        {
            var target = Find(args[1]);
            WriteHelp(target, stdout);
            return Success;
        }

        var command = Find(args[0]);
        var parsed = ParsedArgs.Parse(command.Name, command.Options, args[1..]);
        if (parsed.Help)
        {
            WriteHelp(command, stdout);
            return Success;
        }

        return command.Execute(parsed, stdout, stderr);
    }

    private static ICommand Find(string name) =>
        Commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? throw new UsageException(name.StartsWith('-')
            ? $"Unknown option '{name}': give a command first ({string.Join(", ", Commands.Select(c => c.Name))}). Run `quantfeatures --help`."
            : $"Unknown command '{name}'. Commands: {string.Join(", ", Commands.Select(c => c.Name))}. Run `quantfeatures --help`.");

    private static bool IsUserError(Exception ex) =>
        ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException
            or OverflowException;

    private static int Fail(TextWriter stderr, int code, string message)
    {
        stderr.WriteLine("error: " + message);
        return code;
    }

    /// <summary>The exception's message on one line, without the " (Parameter 'x')" suffix of argument exceptions.</summary>
    private static string Message(Exception ex)
    {
        string message = ex.Message;
        if (ex is ArgumentException { ParamName: { } param })
        {
            string suffix = $" (Parameter '{param}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static void WriteHelp(TextWriter output)
    {
        output.WriteLine($"quantfeatures {Version}: look-ahead-free, TA-Lib-exact features from OHLCV bars.");
        output.WriteLine();
        output.WriteLine("Usage: quantfeatures <command> [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        int width = Commands.Max(c => c.Name.Length) + 2;
        foreach (var c in Commands)
        {
            output.WriteLine($"  {c.Name.PadRight(width)}{c.Summary}");
        }

        output.WriteLine();
        output.WriteLine("Run `quantfeatures <command> --help` for a command's options.");
        output.WriteLine("Quick start: quantfeatures compute --out features.csv   (features of the embedded BTCUSDT 1h sample)");
        output.WriteLine("Exit codes: 0 ok, 1 error in the input or request, 2 command-line error.");
    }

    private static void WriteHelp(ICommand command, TextWriter output)
    {
        output.WriteLine($"Usage: quantfeatures {command.Usage}");
        output.WriteLine();
        output.WriteLine(command.Summary);
        output.WriteLine();
        output.WriteLine("Options:");
        var labels = command.Options.Select(o => (o.Short is { } s ? $"-{s}, " : "    ") + $"--{o.Name}" + (o.ValueName is null ? "" : " " + o.ValueName)).ToList();
        labels.Add("-h, --help");
        int width = labels.Max(l => l.Length) + 2;
        for (int i = 0; i < command.Options.Count; i++)
        {
            output.WriteLine($"  {labels[i].PadRight(width)}{command.Options[i].Help}");
        }

        output.WriteLine($"  {labels[^1].PadRight(width)}Show this help.");
        if (command.Details.Length > 0)
        {
            output.WriteLine();
            output.WriteLine(command.Details.TrimEnd());
        }
    }
}
