using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The four derivatives families (open interest, funding, liquidations, positioning) on the 1,000,000-bar 1m frame with
/// derivatives columns (<see cref="BenchData.WithDerivatives"/>), single-threaded, into the buffers of an earlier result
/// (ComputeInto, as CatalogBenchmarks.ComputeAllInto): the engine's own cost, no output allocation. <c>Families</c> =
/// <c>all</c> computes the four families' features together (the headline figure); each family id alone gives the share of
/// each. The <c>ns/value</c> columns = Mean (resp. Min) / (bars × features of the case): nanoseconds per feature value.
/// QF_BENCH_EXCLUDE=a,b leaves features out (the setup line says which).
/// </summary>
[MemoryDiagnoser]
[MinColumn] // the yardstick (shared/tools/cbench.c) reports the best of its repetitions: compare Min with it
[WarmupCount(2)]
[IterationCount(10)]
[Config(typeof(Config))]
public class DerivativesBenchmarks
{
    /// <summary>The four families, as their ids.</summary>
    public static readonly FeatureFamily[] Derivatives = [FeatureFamily.OpenInterest, FeatureFamily.Funding, FeatureFamily.Liquidations, FeatureFamily.Positioning];

    private static readonly Lazy<MarketFrame> Shape = new(() => BenchData.Full(2_000)); // same columns and Δ: same availability

    private MarketFrame _frame = null!;
    private FeatureEngineer _engine = null!;
    private FeatureMatrix _reused = null!;

    [Params("all", "open_interest", "funding", "liquidations", "positioning")]
    public string Families { get; set; } = "all";

    /// <summary>Features left out of every case (QF_BENCH_EXCLUDE=a,b), e.g. one that fails on the bench frame.</summary>
    public static IReadOnlySet<string> Excluded { get; } =
        (Environment.GetEnvironmentVariable("QF_BENCH_EXCLUDE") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>The features a case computes: those of its families that the bench frame allows (but the excluded ones), in
    /// catalogue order.</summary>
    public static string[] Features(string families, MarketFrame frame)
    {
        var wanted = families == "all" ? Derivatives : [FeatureFamilies.Parse(families)];
        return FeatureCatalog.Default.AvailableFor(frame).Where(f => wanted.Contains(f.Family) && !Excluded.Contains(f.Name)).Select(f => f.Name).ToArray();
    }

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchData.Full();
        _engine = new FeatureEngineer();
        var names = Features(Families, _frame);
        int offered = FeatureCatalog.Default.Features.Count(f => Families == "all" ? Derivatives.Contains(f.Family) : f.Family == FeatureFamilies.Parse(Families));
        _reused = _engine.Compute(_frame, names);
        string excluded = Excluded.Count == 0 ? "" : $" (QF_BENCH_EXCLUDE: {string.Join(", ", Excluded)})";
        Console.WriteLine($"// {Families}: {names.Length} of {offered} features on {_frame.Length} bars ({_frame.Timeframe}){excluded}; output = {names.Length * 8.0 * _frame.Length / 1e6:F0} MB");
    }

    /// <summary>The features of the case, computed into the buffers of the setup's result.</summary>
    [Benchmark]
    public int ComputeInto() => _engine.ComputeInto(_frame, _reused).ColumnCount;

    /// <summary>Adds the ns per feature value columns.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new NsPerValueColumn(min: false), new NsPerValueColumn(min: true));
        }
    }

    /// <summary>Mean or Min / (bars × features of the case), in nanoseconds.</summary>
    public sealed class NsPerValueColumn(bool min) : IColumn
    {
        public string Id => min ? "NsPerValueMin" : "NsPerValueMean";

        public string ColumnName => min ? "ns/value (Min)" : "ns/value (Mean)";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => min ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"{(min ? "Min" : "Mean")} / ({BenchData.Bars:N0} bars x features of the case): nanoseconds per feature value";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            ArgumentNullException.ThrowIfNull(summary);
            ArgumentNullException.ThrowIfNull(benchmarkCase);
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null || benchmarkCase.Parameters[nameof(Families)] is not string families)
            {
                return "NA";
            }

            int features = Features(families, Shape.Value).Length;
            double ns = min ? stats.Min : stats.Mean;
            return features == 0 ? "NA" : (ns / ((double)BenchData.Bars * features)).ToString("0.000", CultureInfo.InvariantCulture);
        }
    }
}
