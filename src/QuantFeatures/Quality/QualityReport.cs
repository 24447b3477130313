using System.Globalization;
using System.Text;

namespace QuantFeatures.Quality;

/// <summary>The result of one check of <see cref="DataValidator"/>.</summary>
public sealed class QualityFinding
{
    internal QualityFinding(QualityCheck check, QualitySeverity severity, bool applicable, int count, double share, IReadOnlyList<long> firstTimes,
        IReadOnlyList<MarketColumn> columns, string detail)
    {
        Check = check;
        Severity = severity;
        Applicable = applicable;
        Count = count;
        Share = share;
        FirstTimes = firstTimes;
        Columns = columns;
        Detail = detail;
    }

    /// <summary>The check.</summary>
    public QualityCheck Check { get; }

    /// <summary>How serious a failure of this check is.</summary>
    public QualitySeverity Severity { get; }

    /// <summary>False when the data cannot be checked this way (e.g. no volume column for volume anomalies); the count is then 0.</summary>
    public bool Applicable { get; }

    /// <summary>How many offending items: rows for row checks, columns for missing columns, gaps for gaps, cells for NaN and
    /// stale values (see docs/data-quality.md).</summary>
    public int Count { get; }

    /// <summary>The affected share of the data in [0, 1] that enters the score (see <see cref="QualityReport.Score"/>).</summary>
    public double Share { get; }

    /// <summary>The first offending open times (Unix ms UTC), in row order, at most <see cref="ValidationOptions.MaxExamples"/>.
    /// Empty for checks without a time (missing columns, empty frame).</summary>
    public IReadOnlyList<long> FirstTimes { get; }

    /// <summary>The columns concerned (missing columns, columns with NaN, ±∞ or stale values), when the check is about columns.</summary>
    public IReadOnlyList<MarketColumn> Columns { get; }

    /// <summary>A one-line explanation of what was found (empty when the check passed).</summary>
    public string Detail { get; }

    /// <summary>Whether the check found something.</summary>
    public bool Failed => Count > 0;

    /// <summary>The first offending time, or null.</summary>
    public long? FirstTime => FirstTimes.Count > 0 ? FirstTimes[0] : null;

    /// <inheritdoc/>
    public override string ToString() => Failed
        ? string.Create(CultureInfo.InvariantCulture, $"{Check.Id()} ({Severity}): {Count}{(FirstTime is { } t ? " from " + MarketFrame.FormatTime(t) : "")}; {Detail}")
        : $"{Check.Id()}: {(Applicable ? "ok" : "n/a")}";
}

/// <summary>
/// The quality report of a frame or of raw records: one <see cref="QualityFinding"/> per <see cref="QualityCheck"/> (all of them,
/// in check order) and a score.
/// </summary>
public sealed class QualityReport
{
    /// <summary>Weight of a failed fatal check in the score.</summary>
    public const double FatalWeight = 1.0;

    /// <summary>Weight of a failed warning check in the score.</summary>
    public const double WarningWeight = 0.5;

    internal QualityReport(int rows, Timeframe? timeframe, long? firstTime, long? lastTime, IReadOnlyList<QualityFinding> findings)
    {
        Rows = rows;
        Timeframe = timeframe;
        FirstTime = firstTime;
        LastTime = lastTime;
        Findings = findings;
        Score = ComputeScore(rows, findings);
    }

    /// <summary>Number of rows (bars or records) checked.</summary>
    public int Rows { get; }

    /// <summary>The timeframe used by the gap check (the frame's, the caller's or inferred), or null when unknown.</summary>
    public Timeframe? Timeframe { get; }

    /// <summary>The earliest open time, or null when there are no rows.</summary>
    public long? FirstTime { get; }

    /// <summary>The latest open time, or null when there are no rows.</summary>
    public long? LastTime { get; }

    /// <summary>One finding per check, in <see cref="QualityCheck"/> order.</summary>
    public IReadOnlyList<QualityFinding> Findings { get; }

    /// <summary>
    /// The quality score in [0, 1]: 0 for empty data, else <c>Π over failed checks (1 − w · share)</c> with w =
    /// <see cref="FatalWeight"/> for a fatal finding and <see cref="WarningWeight"/> for a warning. Data with no finding
    /// scores exactly 1.
    /// </summary>
    public double Score { get; }

    /// <summary>Whether a fatal check failed.</summary>
    public bool HasFatal => Findings.Any(f => f.Failed && f.Severity == QualitySeverity.Fatal);

    /// <summary>Whether no check failed.</summary>
    public bool IsClean => Findings.All(f => !f.Failed);

    /// <summary>The finding of a check.</summary>
    public QualityFinding this[QualityCheck check] => Findings[(int)check];

    /// <summary>
    /// The report as a plain-text table: one line per check with its severity, status, count, share and first offending
    /// times, then the score.
    /// </summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"rows {Rows}");
        if (FirstTime is { } first && LastTime is { } last)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {MarketFrame.FormatTime(first)} .. {MarketFrame.FormatTime(last)}");
        }

        sb.Append(Timeframe is { } tf ? $", timeframe {tf}" : ", timeframe unknown").Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"{"check",-26} {"severity",-8} {"status",-6} {"count",8} {"share",8}  first times / detail\n");
        foreach (var f in Findings)
        {
            string status = !f.Applicable ? "n/a" : f.Failed ? "FAIL" : "ok";
            string times = string.Join(", ", f.FirstTimes.Select(MarketFrame.FormatTime));
            string detail = f.Failed ? (times.Length > 0 ? times + "; " : "") + f.Detail : "";
            string line = string.Create(CultureInfo.InvariantCulture, $"{f.Check.Id(),-26} {f.Severity.ToString().ToLowerInvariant(),-8} {status,-6} {f.Count,8} {f.Share,8:0.####}  {detail}");
            sb.Append(line.TrimEnd()).Append('\n');
        }

        sb.Append(CultureInfo.InvariantCulture, $"score {Score:0.######}{(HasFatal ? " (fatal problems found)" : "")}\n");
        return sb.ToString();
    }

    private static double ComputeScore(int rows, IReadOnlyList<QualityFinding> findings)
    {
        if (rows == 0)
        {
            return 0.0;
        }

        double score = 1.0;
        foreach (var f in findings)
        {
            if (f.Failed)
            {
                double w = f.Severity == QualitySeverity.Fatal ? FatalWeight : WarningWeight;
                score *= 1.0 - (w * Math.Clamp(f.Share, 0.0, 1.0));
            }
        }

        return score;
    }
}
