using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>A data file chosen for a read: its path, what its name says (null when it does not follow the naming),
/// and the interval that applies to it.</summary>
internal sealed record DataFile(string Path, ArchiveName? Name, Timeframe? Timeframe);

/// <summary>
/// The files a source reads for a symbol: each configured path is a file (read for any symbol — its content is the
/// caller's choice) or a directory (searched recursively, once per source, for files whose names say this kind,
/// this symbol and, when given, this interval). Files are read in time order of their names: coverage start, a monthly file before the
/// daily files of the same month, then path; files without a date come first in the order given.
/// </summary>
internal sealed class FileSet
{
    private readonly string[] _paths;
    private readonly ArchiveKind _kind;
    private readonly Timeframe? _timeframe;
    private readonly Dictionary<string, Lazy<List<DataFile>>> _scans = new(StringComparer.Ordinal);

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

    /// <summary>The configured files and directories.</summary>
    public IReadOnlyList<string> Paths => _paths;

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
                foreach (var file in Scan(path))
                {
                    if (string.Equals(file.Name!.Symbol, symbol, StringComparison.OrdinalIgnoreCase) && file.Name.MayOverlap(range))
                    {
                        found.Add((file, order++));
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
                foreach (var file in Scan(path).OrderBy(f => f.Name!.CoverageStart).ThenBy(f => f.Path, StringComparer.Ordinal))
                {
                    bySymbol.TryAdd(file.Name!.Symbol, file);
                }
            }
        }

        result.AddRange(bySymbol.Values);
        return result;
    }

    /// <summary>The files of this kind (and interval) below a directory, listed once per source: a folder of many
    /// symbols is walked once, not once per symbol read. A source created later sees files added since.</summary>
    private List<DataFile> Scan(string directory)
    {
        Lazy<List<DataFile>> scan;
        lock (_scans)
        {
            if (!_scans.TryGetValue(directory, out scan!))
            {
                scan = new Lazy<List<DataFile>>(() => ScanNow(directory), LazyThreadSafetyMode.PublicationOnly);
                _scans[directory] = scan;
            }
        }

        return scan.Value;
    }

    private List<DataFile> ScanNow(string directory)
    {
        var files = new List<DataFile>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (ArchiveName.TryParse(file, directory, out var n) && n.Kind == _kind
                && (_timeframe is null || n.Timeframe is null || n.Timeframe == _timeframe))
            {
                files.Add(new DataFile(file, n, _timeframe ?? n.Timeframe));
            }
        }

        return files;
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
