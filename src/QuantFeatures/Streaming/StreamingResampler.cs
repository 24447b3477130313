using QuantFeatures.Data;

namespace QuantFeatures.Streaming;

/// <summary>
/// The live form of <see cref="Resampler"/>: takes finer bars (e.g. 1m) as they close and emits each coarser bar (e.g. 1h)
/// with its sub-bar statistics (intrabar_coverage, intrabar_vwap, intrabar_realized_vol, intrabar_volume_cv) as soon as
/// it closes — the inputs of the microstructure features of a <see cref="StreamingFeatureEngine"/> at the coarser timeframe.
/// </summary>
/// <remarks>
/// <para>A coarse bar closes when its last sub-bar arrives, or when a sub-bar of a later bar arrives (it then lacks sub-bars).
/// Its values are those <see cref="Resampler"/> gives the same bar of a frame of the same sub-bars: the resampler itself
/// runs on the closed bar's sub-bars and the sub-bar just before them (whose close starts the first sub-bar return).</para>
/// <para>Incomplete bars follow <see cref="ResampleOptions.IncompleteBars"/> as in batch: DropEdges drops the incomplete bars
/// before the first complete one (the stream started inside them) — the trailing edge of a batch range does not exist
/// live, so incomplete bars after a complete one are kept, where batch drops those after the range's last complete bar;
/// DropAll drops every incomplete bar, KeepAll keeps them all. A bar still forming is never emitted. Sub-bars must arrive
/// in time order, at least one source Δ apart.</para>
/// </remarks>
public sealed class StreamingResampler
{
    private readonly Timeframe _source;
    private readonly Timeframe _target;
    private readonly ResampleOptions _options;
    private readonly MarketColumn[] _columns;
    private readonly List<long> _times = [];
    private readonly List<double[]> _rows = [];
    private double[]? _previousRow;
    private long _previousTime;
    private long _bucket = long.MinValue;
    private long _lastTime = long.MinValue;
    private bool _emittedComplete;

    /// <summary>Creates a resampler of <paramref name="source"/> bars carrying <paramref name="columns"/> to
    /// <paramref name="target"/> bars.</summary>
    /// <exception cref="ArgumentException">The target is not a whole multiple (&gt; 1) of the source.</exception>
    public StreamingResampler(Timeframe source, Timeframe target, IEnumerable<MarketColumn> columns, ResampleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (source.Milliseconds <= 0 || target.Milliseconds <= source.Milliseconds || target.Milliseconds % source.Milliseconds != 0)
        {
            throw new ArgumentException($"Cannot resample {source} bars to {target}: the target must be a whole multiple (> 1) of the source.", nameof(target));
        }

        _source = source;
        _target = target;
        _options = options ?? ResampleOptions.Default;
        var set = new HashSet<MarketColumn>(columns.Where(c => !c.IsIntrabar()));
        foreach (var required in MarketColumns.Required)
        {
            set.Add(required);
        }

        _columns = [.. set.Order()];
    }

    /// <summary>The columns of the emitted bars: the aggregated source columns and the four sub-bar statistics.</summary>
    public IReadOnlyList<MarketColumn> OutputColumns => [.. _columns, .. MarketColumns.Intrabar];

    /// <summary>
    /// Takes the next sub-bar; returns true when a coarse bar closed and was written to <paramref name="closed"/> (which is
    /// cleared first). A sub-bar that completes its coarse bar closes it at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The sub-bar is not at least one source Δ after the previous one.</exception>
    public bool Add(StreamingBar subBar, StreamingBar closed)
    {
        ArgumentNullException.ThrowIfNull(subBar);
        ArgumentNullException.ThrowIfNull(closed);
        long time = subBar.OpenTime;
        if (_lastTime != long.MinValue && time < _lastTime + _source.Milliseconds)
        {
            throw new InvalidOperationException($"Sub-bar {time} is not at least one {_source} after the previous one ({_lastTime}).");
        }

        _lastTime = time;
        long bucket = Floor(time);
        bool emitted = false;
        if (_times.Count > 0 && bucket != _bucket)
        {
            emitted = Emit(closed); // the open bar lacked its last sub-bars
        }

        if (_times.Count == 0)
        {
            _bucket = bucket;
        }

        var row = new double[_columns.Length];
        for (int k = 0; k < row.Length; k++)
        {
            row[k] = subBar[_columns[k]];
        }

        _times.Add(time);
        _rows.Add(row);
        if (time == bucket + _target.Milliseconds - _source.Milliseconds)
        {
            if (emitted)
            {
                throw new InvalidOperationException("Internal error: two coarse bars closed by one sub-bar.");
            }

            emitted = Emit(closed); // its last sub-bar: complete
        }

        return emitted;
    }

    private long Floor(long time)
    {
        long delta = _target.Milliseconds;
        long shifted = time - _options.Origin;
        long floor = shifted >= 0 ? shifted / delta * delta : -(((-shifted) + delta - 1) / delta * delta);
        return floor + _options.Origin;
    }

    private bool Emit(StreamingBar closed)
    {
        int offset = _previousRow is null ? 0 : 1;
        int n = _times.Count + offset;
        var time = new long[n];
        var builder = new MarketFrameBuilder(_source);
        if (_previousRow is not null)
        {
            time[0] = _previousTime;
        }

        for (int i = 0; i < _times.Count; i++)
        {
            time[i + offset] = _times[i];
        }

        builder.WithTime(time);
        for (int k = 0; k < _columns.Length; k++)
        {
            var values = new double[n];
            if (_previousRow is not null)
            {
                values[0] = _previousRow[k];
            }

            for (int i = 0; i < _rows.Count; i++)
            {
                values[i + offset] = _rows[i][k];
            }

            builder.WithColumn(_columns[k], values);
        }

        var frame = Resampler.Resample(builder.Build(), _target, _options with { IncompleteBars = IncompleteBarPolicy.KeepAll });
        int last = frame.Length - 1;
        bool complete = frame[MarketColumn.IntrabarCoverage][last] == 1.0;
        bool keep = complete || _options.IncompleteBars switch
        {
            IncompleteBarPolicy.KeepAll => true,
            IncompleteBarPolicy.DropAll => false,
            _ => _emittedComplete, // DropEdges: incomplete bars before the first complete one are at the leading edge
        };

        _previousRow = _rows[^1];
        _previousTime = _times[^1];
        _times.Clear();
        _rows.Clear();
        _emittedComplete |= complete;
        if (!keep)
        {
            return false;
        }

        closed.Load(frame, last);
        return true;
    }
}
