using System.Globalization;
using QuantFeatures.Data;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>The kinds of data file a directory can hold.</summary>
internal enum ArchiveKind
{
    Klines,
    MarkPriceKlines,
    IndexPriceKlines,
    PremiumIndexKlines,
    FundingRate,
    Metrics,
    LiquidationSnapshot,
    AggTrades,
}

/// <summary>
/// What a data file's name says: <c>SYMBOL-KIND[-yyyy-MM[-dd]].(csv|csv.gz|gz|zip)</c>, where KIND is an interval
/// (<c>1h</c>, a kline file; the folder <c>markPriceKlines</c>, <c>indexPriceKlines</c> or <c>premiumIndexKlines</c>
/// above it makes it a mark/index/premium kline file), <c>&lt;interval&gt;-mark</c>, <c>&lt;interval&gt;-index</c>,
/// <c>&lt;interval&gt;-premiumIndex</c>, <c>fundingRate</c> or <c>funding</c>, <c>metrics</c>,
/// <c>liquidationSnapshot</c> or <c>aggTrades</c>. Binance names (<c>BTCUSDT-1h-2025-05-01.zip</c>,
/// <c>BTCUSDT-fundingRate-2025-05.zip</c>) and the samples' names (<c>BTCUSDT-1h.csv</c>, <c>BTCUSDT-funding.csv</c>,
/// <c>BTCUSDT-8h-mark.csv</c>) both fit. A dated file covers its day or month; an undated one, all time.
/// </summary>
internal sealed record ArchiveName(string Symbol, ArchiveKind Kind, Timeframe? Timeframe, long CoverageStart, long CoverageEnd, bool Monthly)
{
    private static readonly string[] Extensions = [".csv.gz", ".csv", ".gz", ".zip"];

    public static bool TryParse(string path, string? root, out ArchiveName name)
    {
        name = null!;
        string file = Path.GetFileName(path);
        string? stem = null;
        foreach (var ext in Extensions)
        {
            if (file.EndsWith(ext, StringComparison.OrdinalIgnoreCase) && file.Length > ext.Length)
            {
                stem = file[..^ext.Length];
                break;
            }
        }

        if (stem is null)
        {
            return false;
        }

        var tokens = stem.Split('-');
        if (tokens.Length < 2 || tokens[0].Length == 0)
        {
            return false;
        }

        int end = tokens.Length;
        long start = long.MinValue, stop = long.MaxValue;
        bool monthly = false;
        if (end >= 5 && IsNumber(tokens[end - 3], 4) && IsNumber(tokens[end - 2], 2) && IsNumber(tokens[end - 1], 2)
            && DateTime.TryParseExact($"{tokens[end - 3]}-{tokens[end - 2]}-{tokens[end - 1]}", "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            start = new DateTimeOffset(day, TimeSpan.Zero).ToUnixTimeMilliseconds();
            stop = start + 86_400_000L;
            end -= 3;
        }
        else if (end >= 4 && IsNumber(tokens[end - 2], 4) && IsNumber(tokens[end - 1], 2)
            && DateTime.TryParseExact($"{tokens[end - 2]}-{tokens[end - 1]}", "yyyy-MM", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month))
        {
            var m = new DateTimeOffset(month, TimeSpan.Zero);
            start = m.ToUnixTimeMilliseconds();
            stop = m.AddMonths(1).ToUnixTimeMilliseconds();
            monthly = true;
            end -= 2;
        }

        string kindText = string.Join('-', tokens, 1, end - 1);
        ArchiveKind kind;
        Timeframe? tf = null;
        if (Is(kindText, "fundingRate") || Is(kindText, "funding"))
        {
            kind = ArchiveKind.FundingRate;
        }
        else if (Is(kindText, "metrics"))
        {
            kind = ArchiveKind.Metrics;
        }
        else if (Is(kindText, "liquidationSnapshot") || Is(kindText, "liquidations"))
        {
            kind = ArchiveKind.LiquidationSnapshot;
        }
        else if (Is(kindText, "aggTrades"))
        {
            kind = ArchiveKind.AggTrades;
        }
        else
        {
            int dash = kindText.IndexOf('-', StringComparison.Ordinal);
            string interval = dash < 0 ? kindText : kindText[..dash];
            string suffix = dash < 0 ? "" : kindText[(dash + 1)..];
            if (!QuantFeatures.Timeframe.TryParse(interval, out var parsed))
            {
                return false;
            }

            tf = parsed;
            if (suffix.Length == 0)
            {
                kind = FolderKind(path, root);
            }
            else if (Is(suffix, "mark") || Is(suffix, "markPrice"))
            {
                kind = ArchiveKind.MarkPriceKlines;
            }
            else if (Is(suffix, "index") || Is(suffix, "indexPrice"))
            {
                kind = ArchiveKind.IndexPriceKlines;
            }
            else if (Is(suffix, "premiumIndex") || Is(suffix, "premium"))
            {
                kind = ArchiveKind.PremiumIndexKlines;
            }
            else
            {
                return false;
            }
        }

        name = new ArchiveName(tokens[0], kind, tf, start, stop, monthly);
        return true;
    }

    /// <summary>Whether the file may hold records in <paramref name="range"/> (one day of slack on each side: a kline's
    /// close or a snapshot at midnight can sit just outside its file's day).</summary>
    public bool MayOverlap(TimeRange range)
    {
        const long Slack = 86_400_000L;
        long from = CoverageStart == long.MinValue ? long.MinValue : CoverageStart - Slack;
        long to = CoverageEnd == long.MaxValue ? long.MaxValue : CoverageEnd + Slack;
        return from < range.To && to > range.From;
    }

    private static ArchiveKind FolderKind(string path, string? root)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        string? top = root is null ? null : Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        while (dir is not null && (top is null || dir.Length > top.Length))
        {
            string seg = Path.GetFileName(dir);
            if (Is(seg, "markPriceKlines"))
            {
                return ArchiveKind.MarkPriceKlines;
            }

            if (Is(seg, "indexPriceKlines"))
            {
                return ArchiveKind.IndexPriceKlines;
            }

            if (Is(seg, "premiumIndexKlines"))
            {
                return ArchiveKind.PremiumIndexKlines;
            }

            if (top is null)
            {
                break;
            }

            dir = Path.GetDirectoryName(dir);
        }

        return ArchiveKind.Klines;
    }

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool IsNumber(string s, int length) => s.Length == length && s.All(char.IsAsciiDigit);
}
