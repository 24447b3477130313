using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QuantFeatures.Storage.Redis;

/// <summary>
/// The feature names of the rows a publisher writes, and the catalogue version and definitions stored with them,
/// prepared once (their content ids, their stored text) so that each publish sends only the ids.
/// </summary>
/// <remarks>Rows store their names by content id: the first 16 hex digits of the SHA-1 of the names joined by '\n'
/// (the same id the server's script computes when it merges two sets of names).</remarks>
public sealed class FeatureLayout
{
    private FeatureLayout(IReadOnlyList<string> names, FeatureSetInfo info)
    {
        Names = names;
        Info = info;
        NamesText = string.Join('\n', names);
        NamesId = ContentId(NamesText);
        var ordered = new SortedDictionary<string, string>(info.Definitions.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        DefinitionsText = JsonSerializer.Serialize(ordered);
        DefinitionsId = ContentId(info.CatalogVersion + "\n" + DefinitionsText);
    }

    /// <summary>The features, in the order of every row's values.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The catalogue version and definitions stored with the rows.</summary>
    public FeatureSetInfo Info { get; }

    internal string NamesText { get; }

    internal string NamesId { get; }

    internal string DefinitionsText { get; }

    internal string DefinitionsId { get; }

    /// <summary>A layout of <paramref name="names"/>; <paramref name="info"/> defaults to the default catalogue's
    /// version and definitions (as <see cref="FeatureSetInfo.For"/>).</summary>
    /// <exception cref="ArgumentException">No names, an empty name, a name with a control character or '|', or a
    /// repeated name; or the catalogue version is empty or holds '|' or a control character.</exception>
    public static FeatureLayout Create(IReadOnlyList<string> names, FeatureSetInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException("A feature row needs at least one feature name.", nameof(names));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => char.IsControl(c) || c == '|'))
            {
                throw new ArgumentException($"Invalid feature name '{name}': a name is non-empty, without control characters or '|'.", nameof(names));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Feature name '{name}' repeats.", nameof(names));
            }
        }

        string[] copy = [.. names];
        info ??= FeatureSetInfo.For(FeatureMatrix.Create("", new Timeframe(3_600_000), [], copy, [.. copy.Select(_ => Array.Empty<double>())]));
        ArgumentNullException.ThrowIfNull(info.Definitions, nameof(info));
        if (string.IsNullOrEmpty(info.CatalogVersion) || info.CatalogVersion.Any(c => char.IsControl(c) || c == '|'))
        {
            throw new ArgumentException($"Invalid catalogue version '{info.CatalogVersion}': non-empty, without control characters or '|'.", nameof(info));
        }

        return new FeatureLayout(copy, info);
    }

    /// <summary>The content id of a text: the first 16 hex digits of its UTF-8 SHA-1 (lower case).</summary>
    internal static string ContentId(string text)
    {
#pragma warning disable CA5350 // A content address the server's Lua (redis.sha1hex) must reproduce, not a security measure.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash)[..16];
    }
}
