using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>A data file chosen for a read: its path, what its name says (null when it does not follow the naming),
/// and the interval that applies to it.</summary>
internal sealed record DataFile(string Path, ArchiveName? Name, Timeframe? Timeframe);

/// <summary>
/// The files a source reads for a symbol: each configured path is a file (read for any symbol — its content is the
/// caller's choice) or a directory (searched recursively for files whose names say this kind, this symbol and,
/// when given, this interval). Files are read in time order of their names: coverage start, a monthly file before the
/// daily files of the same month, then path; files without a date come first in the order given.
/// </summary>
internal sealed class FileSet
{
    private readonly string[] _paths;
    private readonly ArchiveKind _kind;
    private readonly Timeframe? _timeframe;

    public FileSet(IEnumerable<string> paths, ArchiveKind kind, Timeframe? timeframe)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = [.. paths];
        if (_paths.Length == 0)
        {
            throw new ArgumentException("At least one file or directory is required.", nameof(paths));
        }

        foreach (var p in _paths)
        {
            if (string.IsNullOrWhiteSpace(p))
            {
                throw new ArgumentException("A path is empty.", nameof(paths));
            }
        }

        _kind = kind;
        _timeframe = timeframe;
    }

    public ArchiveKind Kind => _kind;

    /// <summary>The interval given by the caller, else the one the names of explicit files agree on.</summary>
    public Timeframe? Timeframe => _timeframe ?? ExplicitTimeframe();

    /// <summary>The files to read for <paramref name="symbol"/> in <paramref name="range"/>, in time order.</summary>
    /// <exception cref="FileNotFoundException">A configured path does not exist.</exception>
    public List<DataFile> Resolve(string symbol, TimeRange range)
    {
        var found = new List<(DataFile File, int Order)>();
        int order = 0;
        foreach (var path in _paths)
        {
            if (File.Exists(path))
            {
                var name = ArchiveName.TryParse(path, null, out var n) ? n : null;
                found.Add((new DataFile(path, name, _timeframe ?? name?.Timeframe), order++));
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
                {
                    if (ArchiveName.TryParse(file, path, out var n) && n.Kind == _kind
                        && string.Equals(n.Symbol, symbol, StringComparison.OrdinalIgnoreCase)
                        && (_timeframe is null || n.Timeframe is null || n.Timeframe == _timeframe)
                        && n.MayOverlap(range))
                    {
                        found.Add((new DataFile(file, n, _timeframe ?? n.Timeframe), order++));
                    }
                }
            }
            else
            {
                throw new FileNotFoundException($"Data path '{path}' does not exist (expected a file or a directory).", path);
            }
        }

        found.Sort((a, b) =>
        {
            long sa = a.File.Name?.CoverageStart ?? long.MinValue, sb = b.File.Name?.CoverageStart ?? long.MinValue;
            int c = sa.CompareTo(sb);
            if (c != 0)
            {
                return c;
            }

            bool ma = a.File.Name?.Monthly ?? false, mb = b.File.Name?.Monthly ?? false;
            if (ma != mb)
            {
                return ma ? -1 : 1;
            }

            return sa == long.MinValue ? a.Order.CompareTo(b.Order) : string.CompareOrdinal(a.File.Path, b.File.Path);
        });
        return found.ConvertAll(f => f.File);
    }

    /// <summary>One file per symbol (the first in time order), for peeking at layouts; explicit files all.</summary>
    public List<DataFile> Samples()
    {
        var result = new List<DataFile>();
        var bySymbol = new Dictionary<string, DataFile>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in _paths)
        {
            if (File.Exists(path))
            {
                var name = ArchiveName.TryParse(path, null, out var n) ? n : null;
                result.Add(new DataFile(path, name, _timeframe ?? name?.Timeframe));
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (ArchiveName.TryParse(file, path, out var n) && n.Kind == _kind
                        && (_timeframe is null || n.Timeframe is null || n.Timeframe == _timeframe))
                    {
                        bySymbol.TryAdd(n.Symbol, new DataFile(file, n, _timeframe ?? n.Timeframe));
                    }
                }
            }
        }

        result.AddRange(bySymbol.Values);
        return result;
    }

    private Timeframe? ExplicitTimeframe()
    {
        Timeframe? common = null;
        foreach (var path in _paths)
        {
            if (Directory.Exists(path))
            {
                continue;
            }

            if (!ArchiveName.TryParse(path, null, out var n) || n.Timeframe is null || (common is not null && common != n.Timeframe))
            {
                return null;
            }

            common = n.Timeframe;
        }

        return common;
    }
}
