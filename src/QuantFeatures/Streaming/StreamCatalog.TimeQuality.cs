using QuantFeatures.Kernels;
using QuantFeatures.Quality;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the time and quality family (the steps of their batch kernels).</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterTimeQuality(Builder b) =>
        b.Fused("time-quality",
            ["hour_sin", "hour_cos", "dow_sin", "dow_cos", "gap_detected", "volume_anomaly", "data_completeness", "quality_score"],
            (ctx, o) => new TimeQualityStep(ctx, o).Run);

    /// <summary>The calendar encodings, the gap flag, the volume anomaly, the completeness of the bar's columns and the
    /// quality score combining them (as the batch kernels).</summary>
    private sealed class TimeQualityStep
    {
        private readonly int[] _slots;
        private readonly CalendarStep _calendar;
        private readonly MarketColumn[] _columns;
        private readonly double[] _row;
        private readonly bool _hasVolume;
        private readonly bool _hasCoverage;
        private GapState _gap;
        private VolumeAnomalyState _anomaly;
        private DataCompletenessState _completeness;

        public TimeQualityStep(StreamContext ctx, FusedOutputs o)
        {
            _slots = o.Slots;
            _calendar = new CalendarStep(ctx.Timeframe.Milliseconds);
            _gap = new GapState(ctx.Timeframe.Milliseconds);
            _anomaly = new VolumeAnomalyState(QualityRules.VolumeAnomalyPeriod, QualityRules.VolumeAnomalyThreshold);

            // The columns the batch kernel counts: every present column except the resampler's sub-bar statistics.
            _columns = [.. ctx.Columns.Where(column => !column.IsIntrabar())];
            _row = new double[_columns.Length];
            _completeness = new DataCompletenessState(_columns.Length);
            _hasVolume = ctx.Columns.Contains(Volume);
            _hasCoverage = ctx.Columns.Contains(IntrabarCoverage);
        }

        public double Run(StreamContext c)
        {
            var v = c.Values;
            var s = _slots;
            var calendar = _calendar.Outputs;
            _calendar.Step(c);
            v[s[0]] = calendar[0];
            v[s[1]] = calendar[1];
            v[s[2]] = calendar[2];
            v[s[3]] = calendar[3];
            double gap = _gap.Update(c.OpenTime);
            v[s[4]] = gap;
            double anomaly = _anomaly.Update(c[Volume]);
            v[s[5]] = anomaly;
            var columns = _columns;
            var row = _row;
            for (int k = 0; k < columns.Length && k < row.Length; k++)
            {
                row[k] = c[columns[k]];
            }

            double completeness = _completeness.Update(row);
            v[s[6]] = completeness;
            v[s[7]] = QualityScoreState.Combine(c[Open], c[High], c[Low], c.Close, completeness, gap, _hasVolume ? anomaly : 0.0,
                _hasCoverage ? c[IntrabarCoverage] : 1.0);
            return 0;
        }
    }

    /// <summary>
    /// The time-of-day and day-of-week encodings of the bar's decision time (hour sin, cos; day sin, cos). Where Δ divides
    /// the week the encodings repeat with the phase of the week, so each phase's values are computed once and kept (the
    /// same angle gives the same <see cref="Math.SinCos"/>, as the batch kernel's period table).
    /// </summary>
    private sealed class CalendarStep
    {
        private const int MaxPhases = 100_000;
        private readonly long _timeframe;
        private readonly double[]? _table; // 4 values per phase of the week; NaN = not computed yet
        private CalendarEncodingState _state;

        public CalendarStep(long timeframeMilliseconds)
        {
            _timeframe = timeframeMilliseconds;
            _state = new CalendarEncodingState(timeframeMilliseconds);
            long phases = CalendarEncodingState.WeekMilliseconds / timeframeMilliseconds;
            if (CalendarEncodingState.WeekMilliseconds % timeframeMilliseconds == 0 && phases <= MaxPhases)
            {
                _table = new double[phases * 4];
                Array.Fill(_table, double.NaN);
            }
        }

        public double[] Outputs { get; } = new double[4];

        public void Step(StreamContext ctx)
        {
            long decision = ctx.OpenTime + _timeframe;
            if (_table is not null && decision % _timeframe == 0)
            {
                long week = CalendarEncodingState.WeekMilliseconds;
                long phase = ((decision - (4 * CalendarEncodingState.DayMilliseconds)) % week + week) % week / _timeframe;
                int at = (int)phase * 4;
                if (double.IsNaN(_table[at]))
                {
                    Compute(ctx.OpenTime);
                    Outputs.CopyTo(_table, at);
                }
                else
                {
                    _table.AsSpan(at, 4).CopyTo(Outputs);
                }

                return;
            }

            Compute(ctx.OpenTime);
        }

        private void Compute(long openTime)
        {
            _state.Update(openTime);
            Outputs[0] = _state.HourSin;
            Outputs[1] = _state.HourCos;
            Outputs[2] = _state.DaySin;
            Outputs[3] = _state.DayCos;
        }
    }
}
