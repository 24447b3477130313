using QuantFeatures.Internal;

namespace QuantFeatures.Data;

/// <summary>
/// Resamples a frame of finer bars (e.g. 1m) into coarser bars (5m, 15m, 1h, 4h, 1d … any whole multiple of the source
/// timeframe), and computes the sub-bar statistics that the <c>microstructure</c> features read.
/// </summary>
/// <remarks>
/// <para><b>Grid.</b> Target bars open at <c>Origin + k·Δ</c> (<see cref="ResampleOptions.Origin"/>, default the Unix epoch,
/// so UTC hour and day boundaries). A source bar belongs to the target bar whose [open, open + Δ) contains it; a source bar
/// that would straddle two target bars (source times off the source grid) is a structural error.</para>
/// <para><b>Columns.</b> open = first sub-bar's open, high = max, low = min, close = last sub-bar's close; volume,
/// quote_volume, trades, taker and liquidation columns are summed; "as of the decision time" columns (open interest, funding,
/// mark/index prices, ratios) take the last sub-bar's value (<see cref="AggregationOf"/>). A column present in the source is
/// present in the result; an absent one stays absent. <c>intrabar_coverage</c> is always added; with
/// <see cref="ResampleOptions.IntrabarStatistics"/> also <c>intrabar_realized_vol</c> and, when the source has volume,
/// <c>intrabar_vwap</c> and <c>intrabar_volume_cv</c> (definitions on <see cref="MarketColumn"/> and in docs/resampling.md).</para>
/// <para><b>NaN.</b> A NaN sub-bar value is never skipped silently: a max, min or sum over sub-bars with a NaN is NaN, and
/// first/last take the first/last sub-bar's value as it is. Sums are compensated (exact whenever the partial sums are
/// representable, e.g. integer trade counts).</para>
/// <para><b>Missing sub-bars.</b> A target bar is complete when its sub-bars cover Δ; <c>intrabar_coverage</c> = covered / Δ.
/// <see cref="ResampleOptions.IncompleteBars"/> decides which incomplete bars are kept (default: drop those at the edges of
/// the data). A target period without any sub-bar produces no bar (a gap, as in the source).</para>
/// <para><b>Chaining.</b> Resampling 1m → 15m → 1h gives the same times, OHLC, coverage and Last columns as 1m → 1h, bit for
/// bit, and the same sums up to floating-point re-association (bit for bit when partial sums are representable): when the
/// source carries <c>intrabar_coverage</c> its covered time is used, so completeness refers to the original sub-bars. The sub-bar
/// statistics (VWAP, realized volatility, volume CV) always describe the bars of the frame being resampled: on a chain they are
/// recomputed from the 15m bars. Resample from the finest data for microstructure features.</para>
/// </remarks>
public static class Resampler
{
    /// <summary>Resamples <paramref name="source"/> to <paramref name="target"/>.</summary>
    /// <param name="source">The finer bars.</param>
    /// <param name="target">The target timeframe: a whole multiple of the source timeframe.</param>
    /// <param name="options">Options (defaults when null).</param>
    /// <returns>The frame at the target timeframe, same symbol.</returns>
    /// <exception cref="ArgumentException">The target is not a whole multiple of the source timeframe, or a source bar straddles
    /// two target bars.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The target is <c>default(Timeframe)</c>, or the options name an unknown policy.</exception>
    public static MarketFrame Resample(MarketFrame source, Timeframe target, ResampleOptions? options = null) =>
        ResampleDetailed(source, target, options).Frame;

    /// <summary>Resamples <paramref name="source"/> to <paramref name="target"/> and says how many incomplete bars were kept or dropped.</summary>
    /// <inheritdoc cref="Resample(MarketFrame, Timeframe, ResampleOptions?)"/>
    public static ResampleResult ResampleDetailed(MarketFrame source, Timeframe target, ResampleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= ResampleOptions.Default;
        if (!Enum.IsDefined(options.IncompleteBars))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IncompleteBars, "Unknown incomplete-bar policy.");
        }

        long sub = source.Timeframe.Milliseconds;
        long delta = target.Milliseconds;
        if (delta <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "The target timeframe must be positive (default(Timeframe) is not a timeframe).");
        }

        if (delta % sub != 0)
        {
            throw new ArgumentException($"Cannot resample {source.Timeframe} bars to {target}: the target timeframe must be a whole multiple of the source timeframe.", nameof(target));
        }

        var time = source.Time;
        var groups = FindGroups(time, sub, delta, options.Origin, out var periods);
        bool hasCoverage = source.Has(MarketColumn.IntrabarCoverage);
        var coverage = hasCoverage ? source[MarketColumn.IntrabarCoverage] : default;
        int groupCount = groups.Length - 1;
        var covered = new long[groupCount];
        int maxGroup = 0;
        for (int g = 0; g < groupCount; g++)
        {
            long c = 0;
            for (int i = groups[g]; i < groups[g + 1]; i++)
            {
                c += hasCoverage ? CoveredMilliseconds(coverage[i], sub) : sub;
            }

            covered[g] = c;
            maxGroup = Math.Max(maxGroup, groups[g + 1] - groups[g]);
        }

        var keep = SelectBars(covered, delta, options.IncompleteBars, out int kept, out int incompleteKept);
        var outTime = new long[kept];
        var outCoverage = new double[kept];
        var columns = new double[]?[MarketColumns.All.Count];
        var aggregated = source.Columns.Where(c => !c.IsIntrabar()).ToArray();
        var inputs = new double[aggregated.Length][];
        var rules = new ResampleAggregation[aggregated.Length];
        var outputs = new double[aggregated.Length][];
        for (int k = 0; k < aggregated.Length; k++)
        {
            inputs[k] = ArrayOf(source, aggregated[k]);
            rules[k] = AggregationOf(aggregated[k]);
            outputs[k] = new double[kept];
            columns[(int)aggregated[k]] = outputs[k];
        }

        bool stats = options.IntrabarStatistics;
        bool hasVolume = source.Has(MarketColumn.Volume);
        double[]? vwap = stats && hasVolume ? new double[kept] : null;
        double[]? realized = stats ? new double[kept] : null;
        double[]? cv = stats && hasVolume ? new double[kept] : null;
        double scale = Math.Sqrt(delta / sub);
        var high = ArrayOf(source, MarketColumn.High);
        var low = ArrayOf(source, MarketColumn.Low);
        var close = ArrayOf(source, MarketColumn.Close);
        var volumes = hasVolume ? ArrayOf(source, MarketColumn.Volume) : null;
        var scratch = Scratch.Rent(maxGroup);
        try
        {
            int o = 0;
            for (int g = 0; g < groupCount; g++)
            {
                if (!keep[g])
                {
                    continue;
                }

                int start = groups[g];
                int length = groups[g + 1] - start;
                outTime[o] = periods[g];
                outCoverage[o] = (double)covered[g] / delta;
                for (int k = 0; k < inputs.Length; k++)
                {
                    outputs[k][o] = Aggregate(rules[k], inputs[k].AsSpan(start, length));
                }

                if (realized is not null)
                {
                    realized[o] = ResamplerStatistics.RealizedVolatility(time, close, start, start + length, sub, scale, scratch);
                }

                if (vwap is not null)
                {
                    var volume = volumes.AsSpan(start, length);
                    vwap[o] = ResamplerStatistics.Vwap(high.AsSpan(start, length), low.AsSpan(start, length), close.AsSpan(start, length), volume);
                    cv![o] = ResamplerStatistics.CoefficientOfVariation(volume);
                }

                o++;
            }
        }
        finally
        {
            Scratch.Return(scratch);
        }

        columns[(int)MarketColumn.IntrabarCoverage] = outCoverage;
        columns[(int)MarketColumn.IntrabarVwap] = vwap;
        columns[(int)MarketColumn.IntrabarRealizedVol] = realized;
        columns[(int)MarketColumn.IntrabarVolumeCv] = cv;
        var frame = new MarketFrame(source.Symbol, target, outTime, columns);
        return new ResampleResult(frame, source.Length, groupCount, incompleteKept, CountIncomplete(covered, delta) - incompleteKept);
    }

    /// <summary>How <see cref="Resample"/> aggregates a source column into a target bar.</summary>
    /// <param name="column">A market column.</param>
    /// <returns><see cref="ResampleAggregation.First"/> for open, <see cref="ResampleAggregation.Max"/> for high,
    /// <see cref="ResampleAggregation.Min"/> for low, <see cref="ResampleAggregation.Sum"/> for volume, quote_volume, trades,
    /// the taker volumes and the liquidation columns, <see cref="ResampleAggregation.Intrabar"/> for the sub-bar statistics, and
    /// <see cref="ResampleAggregation.Last"/> for close and every "as of the decision time" column.</returns>
    public static ResampleAggregation AggregationOf(MarketColumn column)
    {
        _ = column.Name(); // unknown values throw
        return column switch
        {
            MarketColumn.Open => ResampleAggregation.First,
            MarketColumn.High => ResampleAggregation.Max,
            MarketColumn.Low => ResampleAggregation.Min,
            MarketColumn.Volume or MarketColumn.QuoteVolume or MarketColumn.Trades or MarketColumn.TakerBuyVolume
                or MarketColumn.TakerBuyQuoteVolume or MarketColumn.LongLiquidationNotional or MarketColumn.ShortLiquidationNotional
                or MarketColumn.LiquidationCount => ResampleAggregation.Sum,
            _ when column.IsIntrabar() => ResampleAggregation.Intrabar,
            _ => ResampleAggregation.Last,
        };
    }

    /// <summary>The target-bar open time containing <paramref name="time"/>: <c>origin + ⌊(time − origin) / Δ⌋·Δ</c> (floor, also before the origin).</summary>
    internal static long PeriodStart(long time, long delta, long origin)
    {
        long offset = time - origin;
        long q = offset / delta;
        if (offset % delta < 0)
        {
            q--;
        }

        return origin + (q * delta);
    }

    /// <summary>The frame's own array of a column (frames wrap whole arrays; a copy only if that ever changes).</summary>
    private static double[] ArrayOf(MarketFrame frame, MarketColumn column) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.GetMemory(column), out var segment) && segment.Offset == 0
            && segment.Count == segment.Array!.Length
            ? segment.Array
            : frame[column].ToArray();

    private static double Aggregate(ResampleAggregation rule, ReadOnlySpan<double> values) => rule switch
    {
        ResampleAggregation.First => values[0],
        ResampleAggregation.Max => ResamplerStatistics.Max(values),
        ResampleAggregation.Min => ResamplerStatistics.Min(values),
        ResampleAggregation.Sum => ResamplerStatistics.Sum(values),
        _ => values[^1],
    };

    /// <summary>Source row boundaries of each target period (groups[g] .. groups[g + 1]) and the periods' open times.</summary>
    private static int[] FindGroups(ReadOnlySpan<long> time, long sub, long delta, long origin, out long[] periods)
    {
        var starts = new List<int>();
        var opens = new List<long>();
        long current = long.MinValue;
        long currentEnd = long.MinValue;
        for (int i = 0; i < time.Length; i++)
        {
            // Times increase: the period changes only once a time reaches the current period's end (no division otherwise).
            long p = time[i] < currentEnd ? current : PeriodStart(time[i], delta, origin);
            if (time[i] - p > delta - sub)
            {
                throw new ArgumentException(
                    $"The source bar at {MarketFrame.FormatTime(time[i])} (row {i}, {TimeSpan.FromMilliseconds(sub)} long) straddles the target bars at {MarketFrame.FormatTime(p)} and {MarketFrame.FormatTime(p + delta)}: source bar times must lie on the source timeframe's grid.",
                    nameof(time));
            }

            if (p != current)
            {
                starts.Add(i);
                opens.Add(p);
                current = p;
                currentEnd = p + delta;
            }
        }

        starts.Add(time.Length);
        periods = [.. opens];
        return [.. starts];
    }

    /// <summary>Milliseconds of a source bar covered by its own sub-bars, from its <c>intrabar_coverage</c>: round(coverage × Δ_source),
    /// clamped to [0, Δ_source]; NaN counts as 0 (coverage unknown).</summary>
    private static long CoveredMilliseconds(double coverage, long sub)
    {
        if (!(coverage > 0))
        {
            return 0;
        }

        double ms = Math.Round(coverage * sub);
        return ms >= sub ? sub : (long)ms;
    }

    private static bool[] SelectBars(long[] covered, long delta, IncompleteBarPolicy policy, out int kept, out int incompleteKept)
    {
        var keep = new bool[covered.Length];
        int first = Array.FindIndex(covered, c => c == delta);
        int last = Array.FindLastIndex(covered, c => c == delta);
        kept = 0;
        incompleteKept = 0;
        for (int g = 0; g < covered.Length; g++)
        {
            bool complete = covered[g] == delta;
            keep[g] = policy switch
            {
                IncompleteBarPolicy.KeepAll => true,
                IncompleteBarPolicy.DropAll => complete,
                _ => first >= 0 && g >= first && g <= last, // DropEdges
            };
            if (keep[g])
            {
                kept++;
                if (!complete)
                {
                    incompleteKept++;
                }
            }
        }

        return keep;
    }

    private static int CountIncomplete(long[] covered, long delta) => covered.Count(c => c != delta);
}
