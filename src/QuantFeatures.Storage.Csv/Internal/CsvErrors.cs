using System.Globalization;
using System.Text;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>The one format of every parse error message: <c>source: line N, column C (name): problem 'text'</c>.</summary>
internal static class CsvErrors
{
    private const int MaxQuoted = 80;

    /// <summary>A message about a whole line.</summary>
    public static string Line(string source, long line, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"{source}: line {line}: {problem}");

    /// <summary>A message about one field: its 1-based column number, its name and the offending text.</summary>
    public static string Field(string source, long line, int field, string? name, string problem, ReadOnlySpan<byte> text)
    {
        string column = name is null
            ? string.Create(CultureInfo.InvariantCulture, $"column {field + 1}")
            : string.Create(CultureInfo.InvariantCulture, $"column {field + 1} ({name})");
        return string.Create(CultureInfo.InvariantCulture, $"{source}: line {line}, {column}: {problem} '{Quote(text)}'");
    }

    /// <summary>The text of a cell or line for a message: decoded leniently and clipped.</summary>
    public static string Quote(ReadOnlySpan<byte> text)
    {
        bool clipped = text.Length > MaxQuoted;
        string s = Encoding.UTF8.GetString(clipped ? text[..MaxQuoted] : text);
        return clipped ? s + "…" : s;
    }

    public static FormatException FieldError(string source, long line, int field, string? name, string problem, ReadOnlySpan<byte> text) =>
        new(Field(source, line, field, name, problem, text));
}
