using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Kernels;

namespace QuantFeatures.Streaming;

/// <summary>
/// What a feature stream sees: the engine's timeframe and options, the current bar's values and times, and the values
/// of other features at this bar (through handles resolved at creation).
/// </summary>
internal sealed class StreamContext
{
    private readonly Func<string, int> _resolve;
    private readonly Dictionary<string, FusedOutputs> _fused = new(StringComparer.Ordinal);

    internal StreamContext(Timeframe timeframe, FeatureEngineerOptions options, IReadOnlySet<MarketColumn> columns, Func<string, int> resolve,
        bool fundingSettlements)
    {
        UsesSettlements = fundingSettlements;
        Timeframe = timeframe;
        Options = options;
        Columns = columns;
        _resolve = resolve;
        PeriodsPerYear = options.PeriodsPerYear ?? timeframe.PeriodsPerYear;
        Bar = new StreamingBar();
    }

    /// <summary>A context for a warm-start worker: the same configuration and settlements, its own bar, serial and values.</summary>
    private StreamContext(StreamContext main)
    {
        UsesSettlements = main.UsesSettlements;
        Timeframe = main.Timeframe;
        Options = main.Options;
        Columns = main.Columns;
        _resolve = main._resolve;
        PeriodsPerYear = main.PeriodsPerYear;
        Settlements = main.Settlements;
        Bar = new StreamingBar();
        Values = new double[main.Values.Length];
        TakesLogs = main.TakesLogs;
    }

    /// <summary>A context of the same engine for streams stepped on another thread (see the private constructor).</summary>
    internal StreamContext ForWorker() => new(this);

    public Timeframe Timeframe { get; }

    public FeatureEngineerOptions Options { get; }

    /// <summary>The input columns the stream carries (the features' availability, as a frame's columns in batch).</summary>
    public IReadOnlySet<MarketColumn> Columns { get; }

    /// <summary>Periods per year used to annualize (as the batch engine).</summary>
    public double PeriodsPerYear { get; }

    /// <summary>The current bar (the engine's own copy).</summary>
    public StreamingBar Bar { get; }

    /// <summary>Committed bars before the current one, plus one while a bar is processed (a per-bar serial).</summary>
    public long Serial { get; internal set; }

    public long OpenTime => Bar.OpenTime;

    public long DecisionTime => Bar.OpenTime + Timeframe.Milliseconds;

    public double this[MarketColumn column] => Bar[column];

    public double Close => Bar[MarketColumn.Close];

    /// <summary>Whether the event-time funding features read the settlements given to the engine (as a frame's
    /// <see cref="FundingHistory"/>) rather than rebuild them from the funding columns.</summary>
    public bool UsesSettlements { get; }

    /// <summary>The settlements given to the engine, in time order, each with the decision time from which it counts.</summary>
    public List<(double Time, double Rate, double IntervalHours, long AvailableAt)> Settlements { get; } = [];

    /// <summary>While a stream is created: the features it reads (the engine's dependency graph).</summary>
    internal StreamLinks? Links { get; set; }

    /// <summary>A handle to another feature (created with its dependencies); read it per bar with <see cref="Value"/>.</summary>
    public FeatureHandle Feature(string name)
    {
        int stream = _resolve(name); // the engine's stream of it (created first), which the links name
        Links?.Features.Add(stream);
        return new(StreamCatalog.Position(name));
    }

    /// <summary>The value at the current bar of the feature behind <paramref name="handle"/>.</summary>
    public double Value(FeatureHandle handle) => Values[handle.Index];

    /// <summary>Every feature's value at the current bar, at its catalogue position (<see cref="StreamCatalog.Position"/>;
    /// the engine's array, set once its streams exist).</summary>
    internal double[] Values { get; set; } = [];

    /// <summary>Whether the engine could compute <paramref name="name"/>: its inputs are among the columns and it is offered at
    /// the timeframe (a fused step computes only the members it could).</summary>
    public bool Offers(string name) =>
        FeatureCatalog.Default.Get(name) is var def && def.UnavailableReason(Timeframe) is null && def.Inputs.All(Columns.Contains);

    /// <summary>The stream of member <paramref name="output"/> of the fused step <paramref name="key"/>: the first member
    /// created creates the step (and runs it), the others are written by it.</summary>
    internal FeatureStream Fused(string key, IReadOnlyList<string> names, int output,
        Func<StreamContext, FusedOutputs, Func<bool, Func<StreamContext, double>>> create)
    {
        if (_fused.TryGetValue(key, out var outputs))
        {
            return new FusedMember(outputs, output, null);
        }

        outputs = new FusedOutputs(names);
        var bind = create(this, outputs);
        _fused[key] = outputs;
        return new FusedMember(outputs, output, bind);
    }

    /// <summary>Whether a step reads the bar's logarithms (<see cref="Log"/>): then the engine takes them before the steps.</summary>
    internal bool TakesLogs { get; set; }

    /// <summary>The previous bar's close, high and low (NaN before the first bar), from which the bar's logarithms take the
    /// overnight, two-bar and one-bar log ratios; kept by <see cref="EndBar"/>, in a snapshot and across a preview.</summary>
    internal PreviousBar Previous { get; set; } = PreviousBar.None;

    private readonly double[] _logs = new double[12]; // the BarLog values, and two unused lanes of the third four-lane call

    /// <summary>The bar's logarithm <paramref name="k"/> (one of the <see cref="BarLog"/> constants), taken by
    /// <see cref="BeginBar"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Log(int k) => _logs[k];

    /// <summary>
    /// Takes the logarithms of the bar that several steps read (<see cref="BarLog"/>), each as
    /// <see cref="Ratio.Log(double, double)"/> gives it, in three lane-form calls one after another: a logarithm's latency is
    /// long, and independent ones issued together cost about one, where a step taking its own waits for it each time.
    /// </summary>
    internal void BeginBar()
    {
        if (!TakesLogs)
        {
            return;
        }

        var b = Bar.Values;
        double open = b[(int)MarketColumn.Open], high = b[(int)MarketColumn.High], low = b[(int)MarketColumn.Low];
        double close = b[(int)MarketColumn.Close], volume = b[(int)MarketColumn.Volume], openInterest = b[(int)MarketColumn.OpenInterest];
        var (previousClose, previousHigh, previousLow) = Previous;
        double twoBarHigh = CorwinSchultzState.TwoBarHigh(high, previousHigh), twoBarLow = CorwinSchultzState.TwoBarLow(low, previousLow);
        var logs = _logs.AsSpan();
        if (Vector256.IsHardwareAccelerated)
        {
            Ratio.Log(Vector256.Create(high, close, high, low), Vector256.Create(low, open, open, open)).CopyTo(logs);
            Ratio.Log(Vector256.Create(open, twoBarHigh, volume + 1.0, close), Vector256.Create(previousClose, twoBarLow, 1.0, previousClose))
                .CopyTo(logs[4..]);
            Ratio.Log(Vector256.Create(openInterest, close, 1.0, 1.0), Vector256<double>.One).CopyTo(logs[8..]);
            return;
        }

        logs[BarLog.HighLow] = Ratio.Log(high, low);
        logs[BarLog.CloseOpen] = Ratio.Log(close, open);
        logs[BarLog.HighOpen] = Ratio.Log(high, open);
        logs[BarLog.LowOpen] = Ratio.Log(low, open);
        logs[BarLog.Overnight] = Ratio.Log(open, previousClose);
        logs[BarLog.TwoBarRange] = Ratio.Log(twoBarHigh, twoBarLow);
        logs[BarLog.Volume] = Ratio.Log(volume + 1.0, 1.0);
        logs[BarLog.Return] = Ratio.Log(close, previousClose);
        logs[BarLog.OpenInterest] = Ratio.Log(openInterest, 1.0);
        logs[BarLog.Close] = Ratio.Log(close, 1.0);
    }

    /// <summary>Keeps the bar's close, high and low as the previous bar's for the next one.</summary>
    internal void EndBar()
    {
        var b = Bar.Values;
        Previous = new(b[(int)MarketColumn.Close], b[(int)MarketColumn.High], b[(int)MarketColumn.Low]);
    }

    /// <summary>Bars of a horizon at the engine's timeframe (the catalogue offers the feature only where this is whole).</summary>
    public int Bars(TimeSpan horizon) =>
        Timeframe.TryGetBars(horizon, out int bars) ? bars : throw new ArgumentException($"Horizon {horizon} is not a whole multiple of the timeframe {Timeframe}.");
}

/// <summary>The features a stream reads (engine indices; a fused step's member other than its runner reads the runner).</summary>
internal sealed class StreamLinks
{
    public List<int> Features { get; } = [];
}

/// <summary>The previous bar's close, high and low (<see cref="StreamContext.Previous"/>).</summary>
internal readonly record struct PreviousBar(double Close, double High, double Low)
{
    /// <summary>Before the first bar: every value NaN.</summary>
    public static PreviousBar None { get; } = new(double.NaN, double.NaN, double.NaN);
}

/// <summary>The logarithms of the bar a step reads with <see cref="StreamContext.Log"/> (each <c>Ratio.Log(a, b)</c>, NaN
/// unless a / b is positive and finite; C₋₁, H₋₁, L₋₁ are the previous bar's).</summary>
internal static class BarLog
{
    /// <summary>ln(H / L).</summary>
    public const int HighLow = 0;

    /// <summary>ln(C / O).</summary>
    public const int CloseOpen = 1;

    /// <summary>ln(H / O).</summary>
    public const int HighOpen = 2;

    /// <summary>ln(L / O).</summary>
    public const int LowOpen = 3;

    /// <summary>ln(O / C₋₁), the overnight return.</summary>
    public const int Overnight = 4;

    /// <summary>ln(max(H, H₋₁) / min(L, L₋₁)), the two-bar range.</summary>
    public const int TwoBarRange = 5;

    /// <summary>ln(V + 1).</summary>
    public const int Volume = 6;

    /// <summary>ln(C / C₋₁), the one-bar log return.</summary>
    public const int Return = 7;

    /// <summary>ln OI.</summary>
    public const int OpenInterest = 8;

    /// <summary>ln C.</summary>
    public const int Close = 9;
}
