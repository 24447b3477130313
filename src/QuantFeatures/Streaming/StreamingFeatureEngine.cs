using System.Text;

namespace QuantFeatures.Streaming;

/// <summary>
/// Computes features bar by bar as bars close, with the same values as <see cref="FeatureEngineer"/> on the same bars
/// (each feature's stream is its batch kernel's step; a test holds them equal bit for bit on random frames).
/// </summary>
/// <remarks>
/// <para>Bars must arrive in time order: a bar whose open time is not at least one Δ after the last committed one (a
/// duplicate, late or out-of-order bar) is rejected with an <see cref="InvalidOperationException"/> naming both times,
/// and the state is unchanged. Gaps are allowed, as in a batch frame. A bar still forming is previewed with
/// <see cref="Preview"/>, which never changes the committed state.</para>
/// <para><see cref="Snapshot(Stream)"/> and <see cref="Restore(Stream)"/> save and load the complete state (a versioned binary format:
/// catalogue version, timeframe, columns, feature names, then every stream's state), so a restarted process continues
/// exactly where it stopped without replaying history.</para>
/// <para>A feature that reads sparse sources takes their point-in-time values from the bar (its funding, open-interest,
/// ratio, mark/index and liquidation columns, as <see cref="Data.MarketDataLoader"/> fills them). Event-time funding
/// features rebuild the settlements from those columns, as on a frame without a funding history.</para>
/// </remarks>
public sealed partial class StreamingFeatureEngine
{
    private const int FormatVersion = 14; // 2: fused steps (one stream runs several features' step; a scratch value); 3: corwin_schultz_20 in the range-volatility step; 4: one close delay line in the returns step; 5: that line is a Ring; 6: one delay line per input in the OI-windows, volume-windows and positioning steps; 7: a run-length percentile window keeps no ring; 8: HighLowWindow is two WindowExtremums; 9: willr_14 in the recursive step (the stochastic's window); 10: volume_anomaly in the volume-windows step, quality_score a stream of its own; 11: the last log of OI and of the top-vs-crowd ratio are kept; 12: the funding step keeps the last settlement schedule; 13: the context keeps the previous bar's close, high and low (the bar's logarithms), and the OI recursive step no longer keeps the last log of OI; 14: each feature's value at its catalogue position (a fused step writes its members there)
    private static readonly byte[] Magic = "QFSE"u8.ToArray();

    private readonly List<FeatureStream> _streams = [];
    private readonly List<int> _positions = []; // per stream: where its value is (its feature's catalogue position)
    private readonly List<StreamLinks> _links = [];
    private readonly List<StreamMemory> _memory = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _creating = new(StringComparer.Ordinal);
    private readonly int[] _outputs;
    private readonly (int From, int To, int Length)[] _outputRuns; // _outputs as runs of consecutive values (one block copy each)
    private readonly int[] _absent;
    private readonly StreamContext _ctx;
    private readonly double[] _values;
    private readonly double[] _previewValues;
    private readonly Func<StreamContext, double>?[] _steps; // per stream: null for a fused member its step's runner writes
    private readonly int[] _stepSlots; // per stream: where its step's return goes (its position; the scratch value for a fused runner)
    private readonly Func<StreamContext, double>[] _runSteps; // the non-null steps in engine order
    private readonly int[] _runSlots;
    private readonly MemoryStream _previewBuffer = new();
    private long _lastOpenTime = long.MinValue;

    /// <summary>Creates an engine for bars of <paramref name="timeframe"/> carrying <paramref name="columns"/>, computing
    /// <paramref name="names"/> (null: every catalogue feature these columns and this timeframe allow).</summary>
    /// <exception cref="ArgumentException">An unknown feature, one whose inputs are not among the columns, or one not offered
    /// at the timeframe; the message names it.</exception>
    /// <param name="timeframe">The bars' Δ.</param>
    /// <param name="columns">The input columns the bars carry.</param>
    /// <param name="names">The features (null: every one these columns and this timeframe allow).</param>
    /// <param name="options">Annualization and the like (as <see cref="FeatureEngineer"/>).</param>
    /// <param name="fundingSettlements">Whether funding settlements are given with <see cref="AddFundingSettlement"/> (the
    /// live form of a frame's <see cref="FundingHistory"/>): the event-time funding features then read them, else they
    /// rebuild the settlements from the funding columns.</param>
    public StreamingFeatureEngine(Timeframe timeframe, IEnumerable<MarketColumn> columns, IEnumerable<string>? names = null, FeatureEngineerOptions? options = null,
        bool fundingSettlements = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Timeframe = timeframe;
        Options = options ?? FeatureEngineerOptions.Default;
        var set = new HashSet<MarketColumn>(columns);
        foreach (var required in MarketColumns.Required)
        {
            set.Add(required);
        }

        Columns = set;
        _absent = [.. MarketColumns.All.Where(c => !set.Contains(c)).Select(c => (int)c)];
        FundingSettlements = fundingSettlements;
        _ctx = new StreamContext(timeframe, Options, set, Resolve, fundingSettlements);
        var requested = names?.ToArray() ?? FeatureCatalog.Default.Features
            .Where(f => f.UnavailableReason(timeframe) is null && f.Inputs.All(set.Contains)).Select(f => f.Name).ToArray();
        _outputs = new int[requested.Length];
        for (int k = 0; k < requested.Length; k++)
        {
            Resolve(requested[k]);
            _outputs[k] = StreamCatalog.Position(requested[k]);
        }

        Names = requested;
        int count = _streams.Count;
        _values = new double[StreamCatalog.ValueCount]; // a value per catalogue feature at its position, the scratch value last
        _previewValues = new double[StreamCatalog.ValueCount];
        _ctx.Values = _values;
        FinishFused(); // before the steps: a fused step's form depends on which of its members are computed
        _steps = [.. _streams.Select(s => s.AsStep())];
        _stepSlots = new int[count];
        for (int i = 0; i < count; i++)
        {
            _stepSlots[i] = _streams[i] is FusedMember ? StreamCatalog.Scratch : _positions[i];
        }

        _outputRuns = Runs(_outputs);
        var run = Enumerable.Range(0, count).Where(i => _steps[i] is not null).ToArray();
        _runSteps = [.. run.Select(i => _steps[i]!)];
        _runSlots = [.. run.Select(i => _stepSlots[i])];
    }

    /// <summary>Indices as runs of consecutive ones: (first index, its position in <paramref name="outputs"/>, length).</summary>
    internal static (int From, int To, int Length)[] Runs(IReadOnlyList<int> outputs)
    {
        var runs = new List<(int, int, int)>();
        for (int k = 0; k < outputs.Count;)
        {
            int length = 1;
            while (k + length < outputs.Count && outputs[k + length] == outputs[k] + length)
            {
                length++;
            }

            runs.Add((outputs[k], k, length));
            k += length;
        }

        return [.. runs];
    }

    /// <summary>Marks each fused step's members that no one asked for not wanted (so the step may skip their states; their
    /// values are written, never read), and gives its runner the memory of all its members together (the others, written
    /// by it, remember nothing of their own).</summary>
    private void FinishFused()
    {
        foreach (var runner in _streams.OfType<FusedMember>().Where(m => m.Runs))
        {
            var outputs = runner.Outputs;
            var memory = _memory[outputs.Runner];
            for (int k = 0; k < outputs.Names.Count; k++)
            {
                if (!_index.TryGetValue(outputs.Names[k], out int member))
                {
                    continue;
                }

                outputs.Wanted |= 1UL << k;
                if (member != outputs.Runner)
                {
                    memory = memory.And(_memory[member]);
                    _memory[member] = StreamMemory.None;
                }
            }

            _memory[outputs.Runner] = memory;
        }
    }

    /// <summary>The bars' Δ.</summary>
    public Timeframe Timeframe { get; }

    /// <summary>The engine's options.</summary>
    public FeatureEngineerOptions Options { get; }

    /// <summary>The input columns the bars carry.</summary>
    public IReadOnlySet<MarketColumn> Columns { get; }

    /// <summary>The output features, in the order of every row.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether the engine takes funding settlements (see the constructor).</summary>
    public bool FundingSettlements { get; }

    /// <summary>
    /// Gives a funding settlement (its time, rate, the interval in force, and the decision time from which it counts —
    /// <see cref="FundingHistory.AvailableAt"/>; a live feed uses the time it arrived). Settlements must come in time order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine was not created to take settlements, or the settlement is not
    /// later than the last one.</exception>
    public void AddFundingSettlement(long time, double rate, double intervalHours, long availableAt)
    {
        if (!FundingSettlements)
        {
            throw new InvalidOperationException("This engine rebuilds funding settlements from the funding columns; create it with fundingSettlements: true to give them.");
        }

        var list = _ctx.Settlements;
        if (list.Count > 0 && !(time > list[^1].Time))
        {
            throw new InvalidOperationException($"Funding settlement {Iso(time)} is not after the last one given ({Iso((long)list[^1].Time)}).");
        }

        list.Add((time, rate, intervalHours, availableAt));
    }

    /// <summary>Number of committed bars.</summary>
    public long BarCount { get; private set; }

    /// <summary>Open time of the last committed bar, or null before the first.</summary>
    public long? LastOpenTime => BarCount == 0 ? null : _lastOpenTime;

    /// <summary>An engine warmed on every bar of <paramref name="frame"/> (its columns, its timeframe, its funding history
    /// as settlements).</summary>
    public static StreamingFeatureEngine WarmStart(MarketFrame frame, IEnumerable<string>? names = null, FeatureEngineerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, names, options, frame.FundingHistory is not null);
        if (frame.FundingHistory is { } history)
        {
            for (int i = 0; i < history.Count; i++)
            {
                engine.AddFundingSettlement(history.Time[i], history.Rate[i], history.IntervalHours[i], history.AvailableAt[i]);
            }
        }

        engine.UpdateAll(frame);
        return engine;
    }

    /// <summary>Commits every bar of <paramref name="frame"/> in order.</summary>
    /// <remarks>On an engine that has committed no bar yet (a warm start), each stream replays only the bars its state
    /// can remember (see <see cref="StreamMemory"/>), and independent groups of streams replay on two threads: the state
    /// and every later value are the same, bit for bit, as committing every bar one by one.</remarks>
    public void UpdateAll(MarketFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (BarCount == 0 && frame.Length > 0)
        {
            WarmReplay(frame);
        }
        else
        {
            ReplayEachBar(frame);
        }
    }

    /// <summary>
    /// Commits every bar of <paramref name="frame"/> (after giving its funding history as settlements when this engine takes
    /// them and none were given yet) and returns every bar's features as a matrix: the streaming counterpart of
    /// <see cref="FeatureEngineer.Compute(MarketFrame, IEnumerable{string})"/>, with the same values.
    /// </summary>
    public FeatureMatrix Replay(MarketFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (FundingSettlements && _ctx.Settlements.Count == 0 && frame.FundingHistory is { } history)
        {
            for (int i = 0; i < history.Count; i++)
            {
                AddFundingSettlement(history.Time[i], history.Rate[i], history.IntervalHours[i], history.AvailableAt[i]);
            }
        }

        var columns = new double[_outputs.Length][];
        for (int k = 0; k < columns.Length; k++)
        {
            columns[k] = new double[frame.Length];
        }

        var bar = new StreamingBar();
        var row = new double[_outputs.Length];
        for (int t = 0; t < frame.Length; t++)
        {
            Update(bar.Load(frame, t));
            CopyLatest(row);
            for (int k = 0; k < row.Length; k++)
            {
                columns[k][t] = row[k];
            }
        }

        return new FeatureMatrix(frame.Symbol, frame.Timeframe, frame.TimeArray, Names, columns);
    }

    /// <summary>Commits a closed bar.</summary>
    /// <exception cref="InvalidOperationException">The bar opens less than one Δ after the last committed bar.</exception>
    public void Update(StreamingBar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        CheckOrder(bar.OpenTime);
        Step(bar);
        _lastOpenTime = bar.OpenTime;
        BarCount++;
    }

    /// <summary>Copies the last committed bar's features into <paramref name="destination"/> (in <see cref="Names"/> order).</summary>
    public void CopyLatest(Span<double> destination)
    {
        if (destination.Length < _outputs.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {_outputs.Length} features are computed.", nameof(destination));
        }

        if (BarCount == 0)
        {
            throw new InvalidOperationException("No bar has been committed yet.");
        }

        CopyOutputs(destination);
    }

    /// <summary>The output features' current values into <paramref name="destination"/>, a block per run of them (a lone
    /// value by itself: a selection out of catalogue order is many short runs).</summary>
    private void CopyOutputs(Span<double> destination)
    {
        var values = _values.AsSpan();
        foreach (var (from, to, length) in _outputRuns)
        {
            if (length == 1)
            {
                destination[to] = values[from];
                continue;
            }

            values.Slice(from, length).CopyTo(destination.Slice(to, length));
        }
    }

    /// <summary>The last committed bar's features as a one-row matrix.</summary>
    public FeatureMatrix Latest()
    {
        var row = new double[_outputs.Length];
        CopyLatest(row);
        return new FeatureMatrix("", Timeframe, [_lastOpenTime], Names, [.. row.Select(v => new[] { v })]);
    }

    /// <summary>
    /// The features of a bar still forming, as if it closed now, without changing the committed state (the next
    /// <see cref="Update"/> or <see cref="Preview"/> starts from the same state as before this call).
    /// </summary>
    public void Preview(StreamingBar bar, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(bar);
        CheckOrder(bar.OpenTime);
        if (destination.Length < _outputs.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {_outputs.Length} features are computed.", nameof(destination));
        }

        _previewBuffer.SetLength(0);
        _values.CopyTo(_previewValues, 0);
        var previous = _ctx.Previous;
        using (var w = new BinaryWriter(_previewBuffer, Encoding.UTF8, leaveOpen: true))
        {
            StateGraph.Write(w, RootObjects());
        }

        Step(bar);
        CopyOutputs(destination);

        _previewBuffer.Position = 0;
        using (var r = new BinaryReader(_previewBuffer, Encoding.UTF8, leaveOpen: true))
        {
            StateGraph.Read(r, RootObjects());
        }

        _previewValues.CopyTo(_values, 0);
        _ctx.Previous = previous;
        _ctx.Serial = BarCount;
    }

    /// <summary>Writes the complete state to <paramref name="stream"/> (see the class remarks for the format).</summary>
    public void Snapshot(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        WriteHeader(w);
        w.Write(BarCount);
        w.Write(_lastOpenTime);
        w.Write(_ctx.Previous.Close);
        w.Write(_ctx.Previous.High);
        w.Write(_ctx.Previous.Low);
        w.Write(_values.Length);
        foreach (double v in _values)
        {
            w.Write(v);
        }

        w.Write(_ctx.Settlements.Count);
        foreach (var (time, rate, interval, available) in _ctx.Settlements)
        {
            w.Write(time);
            w.Write(rate);
            w.Write(interval);
            w.Write(available);
        }

        StateGraph.Write(w, RootObjects());
    }

    /// <summary>The complete state as bytes.</summary>
    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        Snapshot(ms);
        return ms.ToArray();
    }

    /// <summary>Loads a state written by <see cref="Snapshot(Stream)"/> of an engine with the same configuration
    /// (catalogue version, timeframe, columns, features, options).</summary>
    /// <exception cref="InvalidDataException">Not a snapshot, another format version, or another configuration; the
    /// message says which.</exception>
    public void Restore(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a QuantFeatures streaming snapshot (bad magic).");
        }

        int version = r.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Snapshot format version {version}; this library reads version {FormatVersion}.");
        }

        var expected = new MemoryStream();
        using (var hw = new BinaryWriter(expected, Encoding.UTF8, leaveOpen: true))
        {
            WriteHeader(hw);
        }

        var header = r.ReadBytes((int)expected.Length);
        if (!header.AsSpan().SequenceEqual(expected.ToArray()))
        {
            throw new InvalidDataException("The snapshot was taken by an engine with another configuration (catalogue version, timeframe, columns, features or options).");
        }

        long bars = r.ReadInt64();
        long last = r.ReadInt64();
        var previous = new PreviousBar(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        int count = r.ReadInt32();
        if (count != _values.Length)
        {
            throw new InvalidDataException($"The snapshot holds {count} stream values; this engine has {_values.Length}.");
        }

        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = r.ReadDouble();
        }

        int settlements = r.ReadInt32();
        var list = new List<(double, double, double, long)>(settlements);
        for (int i = 0; i < settlements; i++)
        {
            list.Add((r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt64()));
        }

        StateGraph.Read(r, RootObjects());
        _ctx.Settlements.Clear();
        _ctx.Settlements.AddRange(list);
        values.CopyTo(_values, 0);
        _ctx.Previous = previous;
        BarCount = bars;
        _lastOpenTime = last;
        _ctx.Serial = bars;
    }

    /// <summary>Loads a state from bytes (see <see cref="Restore(Stream)"/>).</summary>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        using var ms = new MemoryStream(snapshot.ToArray(), writable: false);
        Restore(ms);
    }

    private void WriteHeader(BinaryWriter w)
    {
        w.Write(FeatureCatalog.CatalogVersion);
        w.Write(Timeframe.Milliseconds);
        w.Write(Options.PeriodsPerYear ?? double.NaN);
        w.Write(FundingSettlements);
        var columns = Columns.Order().ToArray();
        w.Write(columns.Length);
        foreach (var c in columns)
        {
            w.Write(c.Name());
        }

        w.Write(Names.Count);
        foreach (var n in Names)
        {
            w.Write(n);
        }
    }

    private object[] RootObjects() => [.. _streams];

    private void CheckOrder(long openTime)
    {
        if (BarCount > 0 && openTime < _lastOpenTime + Timeframe.Milliseconds)
        {
            string what = openTime == _lastOpenTime ? "a duplicate of" : openTime < _lastOpenTime ? "earlier than" : "less than one timeframe after";
            throw new InvalidOperationException(
                $"Bar {Iso(openTime)} is {what} the last committed bar {Iso(_lastOpenTime)} (timeframe {Timeframe}): bars must arrive in time order.");
        }
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private void Step(StreamingBar bar)
    {
        var target = _ctx.Bar; // its absent columns stay NaN: the block copy is followed by resetting them
        target.OpenTime = bar.OpenTime;
        var into = target.Values;
        bar.Values.AsSpan().CopyTo(into);
        foreach (int c in _absent)
        {
            into[c] = double.NaN;
        }

        var ctx = _ctx;
        ctx.Serial = BarCount + 1;
        ctx.BeginBar();
        var steps = _runSteps;
        var slots = _runSlots;
        var values = _values;
        for (int i = 0; i < steps.Length && i < slots.Length; i++)
        {
            values[slots[i]] = steps[i](ctx);
        }

        ctx.EndBar();
    }

    private int Resolve(string name)
    {
        if (_index.TryGetValue(name, out int done))
        {
            return done;
        }

        var def = FeatureCatalog.Default.Get(name);
        var missing = def.Inputs.Where(c => !Columns.Contains(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException($"Feature '{name}' needs the input column(s) {string.Join(", ", missing.Select(c => c.Name()))}, which the stream does not carry.");
        }

        if (def.UnavailableReason(Timeframe) is { } why)
        {
            throw new ArgumentException($"Feature '{name}' is not available at timeframe {Timeframe}: {why}");
        }

        if (!StreamCatalog.TryGet(name, out var factory))
        {
            throw new NotSupportedException($"Feature '{name}' has no streaming form yet.");
        }

        if (!_creating.Add(name))
        {
            throw new InvalidOperationException($"Feature '{name}' depends on itself.");
        }

        var outer = _ctx.Links;
        var links = new StreamLinks();
        _ctx.Links = links;
        FeatureStream stream;
        try
        {
            stream = factory(_ctx);
        }
        finally
        {
            _ctx.Links = outer;
        }

        _creating.Remove(name);
        int index = _streams.Count;
        if (stream is FusedMember member)
        {
            if (member.Runs)
            {
                member.Outputs.Runner = index;
            }
            else
            {
                links.Features.Add(member.Outputs.Runner); // written by the runner's step: stepped (and replayed) with it
            }
        }

        _streams.Add(stream);
        _positions.Add(StreamCatalog.Position(name));
        _links.Add(links);
        _memory.Add(StreamCatalog.MemoryOf(name, _ctx));
        _index[name] = index;
        return index;
    }
}
