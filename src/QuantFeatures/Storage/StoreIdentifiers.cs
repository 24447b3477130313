namespace QuantFeatures.Storage;

/// <summary>
/// Validation of user-supplied identifiers before they reach a store (table names, file names, keys). Every value still
/// goes to SQL as a parameter; this check is the second wall, and it keeps paths and keys readable.
/// </summary>
public static class StoreIdentifiers
{
    /// <summary>The longest accepted symbol.</summary>
    public const int MaxSymbolLength = 64;

    /// <summary>Accepts a symbol of 1–64 ASCII letters, digits, '_', '-' or '.', not starting with '.' or '-'
    /// (BTCUSDT, 1000PEPEUSDT, BTCUSDT_250328, BTC-PERP); returns it unchanged.</summary>
    /// <exception cref="ArgumentException">Any other symbol; the message names it and the rule.</exception>
    public static string ValidateSymbol(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        bool ok = symbol.Length is > 0 and <= MaxSymbolLength && symbol[0] is not ('.' or '-');
        foreach (char c in symbol)
        {
            ok &= char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
        }

        return ok
            ? symbol
            : throw new ArgumentException(
                $"Invalid symbol '{Printable(symbol)}': a symbol is 1–{MaxSymbolLength} ASCII letters, digits, '_', '-' or '.', and does not start with '.' or '-'.",
                nameof(symbol));
    }

    /// <summary>Accepts an SQL identifier of the store's own choosing or the user's (schema, table prefix): 1–63 of
    /// [a-z0-9_], starting with a letter or '_'; returns it unchanged.</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static string ValidateSqlName(string name, string what = "name")
    {
        ArgumentNullException.ThrowIfNull(name);
        bool ok = name.Length is > 0 and <= 63 && (char.IsAsciiLetterLower(name[0]) || name[0] == '_');
        foreach (char c in name)
        {
            ok &= char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_';
        }

        return ok
            ? name
            : throw new ArgumentException($"Invalid {what} '{Printable(name)}': use 1–63 characters of a-z, 0-9 and '_', starting with a letter or '_'.", nameof(name));
    }

    private static string Printable(string s)
    {
        var t = s.Length > 80 ? s[..80] + "…" : s;
        return string.Concat(t.Select(c => char.IsControl(c) ? '?' : c));
    }
}
