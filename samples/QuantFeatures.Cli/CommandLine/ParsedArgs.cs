using System.Globalization;

namespace QuantFeatures.Cli.CommandLine;

/// <summary>
/// The options of one command, parsed strictly: <c>--name value</c>, <c>--name=value</c> or <c>-x value</c>;
/// unknown options, missing values, repeated options and stray positional arguments are <see cref="UsageException"/>s.
/// </summary>
public sealed class ParsedArgs
{
    private readonly string _command;
    private readonly Dictionary<string, string?> _values;

    private ParsedArgs(string command, Dictionary<string, string?> values)
    {
        _command = command;
        _values = values;
    }

    /// <summary>Whether <c>--help</c> / <c>-h</c> was given.</summary>
    public bool Help => _values.ContainsKey("help");

    /// <summary>Parses the arguments after the command name.</summary>
    /// <exception cref="UsageException">An argument the command does not accept; the message names it.</exception>
    public static ParsedArgs Parse(string command, IReadOnlyList<OptionSpec> options, IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                values["help"] = null;
                continue;
            }

            OptionSpec? spec = null;
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                string name = arg[2..];
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    inline = name[(eq + 1)..];
                    name = name[..eq];
                }

                spec = options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
            }
            else if (arg.Length == 2 && arg[0] == '-' && arg[1] != '-')
            {
                spec = options.FirstOrDefault(o => o.Short == arg[1]);
            }
            else
            {
                throw new UsageException($"Unexpected argument '{arg}' for command '{command}'. Run `quantfeatures {command} --help`.");
            }

            if (spec is null)
            {
                throw new UsageException($"Unknown option '{arg}' for command '{command}'. Valid options: {string.Join(", ", options.Select(o => "--" + o.Name))}.");
            }

            if (values.ContainsKey(spec.Name))
            {
                throw new UsageException($"Option --{spec.Name} is given more than once.");
            }

            if (spec.IsFlag)
            {
                if (inline is not null)
                {
                    throw new UsageException($"Option --{spec.Name} is a flag and takes no value.");
                }

                values[spec.Name] = null;
            }
            else if (inline is not null)
            {
                values[spec.Name] = inline;
            }
            else if (i + 1 < args.Count && !(args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
            {
                values[spec.Name] = args[++i];
            }
            else
            {
                throw new UsageException($"Option --{spec.Name} needs a value ({spec.ValueName}).");
            }
        }

        return new ParsedArgs(command, values);
    }

    /// <summary>Whether a flag or option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>An option's value, or null when it was not given.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>A required option's value.</summary>
    /// <exception cref="UsageException">The option is missing or empty.</exception>
    public string Require(string name) =>
        Get(name) is { Length: > 0 } v ? v : throw new UsageException($"Command '{_command}' needs --{name}. Run `quantfeatures {_command} --help`.");

    /// <summary>An option's value as a positive integer (digits, optional '_' or ',' separators), or the default.</summary>
    /// <exception cref="UsageException">The value is not a positive integer within range.</exception>
    public int GetPositiveInt(string name, int defaultValue, int max = int.MaxValue)
    {
        if (Get(name) is not { } text)
        {
            return defaultValue;
        }

        string digits = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0 || value > max)
        {
            throw new UsageException($"Option --{name} must be a positive integer ≤ {max.ToString("N0", CultureInfo.InvariantCulture)}, not '{text}'.");
        }

        return value;
    }

    /// <summary>A comma-separated list option split into trimmed, non-empty items (null when not given).</summary>
    /// <exception cref="UsageException">The list is empty.</exception>
    public IReadOnlyList<string>? GetList(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length > 0 ? items : throw new UsageException($"Option --{name} needs at least one name.");
    }
}
