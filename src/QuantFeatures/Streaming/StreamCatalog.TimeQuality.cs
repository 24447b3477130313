using QuantFeatures.Kernels;
using QuantFeatures.Quality;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the time and quality family (the steps of their batch kernels).</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterTimeQuality(Builder b)
    {
        b.Step("hour_sin", ctx => Calendar(ctx, 0));
        b.Step("hour_cos", ctx => Calendar(ctx, 1));
        b.Step("dow_sin", ctx => Calendar(ctx, 2));
        b.Step("dow_cos", ctx => Calendar(ctx, 3));
        b.Step("gap_detected", ctx =>
        {
            var s = new GapState(ctx.Timeframe.Milliseconds);
            return c => s.Update(c.OpenTime);
        });
        b.Step("volume_anomaly", _ =>
        {
            var s = new VolumeAnomalyState(QualityRules.VolumeAnomalyPeriod, QualityRules.VolumeAnomalyThreshold);
            return c => s.Update(c[Volume]);
        });
        b.Step("data_completeness", ctx =>
        {
            // The columns the batch kernel counts: every present column except the resampler's sub-bar statistics.
            var columns = ctx.Columns.Where(column => !column.IsIntrabar()).ToArray();
            var row = new double[columns.Length];
            var s = new DataCompletenessState(columns.Length);
            return c =>
            {
                for (int k = 0; k < columns.Length; k++)
                {
                    row[k] = c[columns[k]];
                }

                return s.Update(row);
            };
        });
        b.Step("quality_score", ctx =>
        {
            var completeness = ctx.Feature("data_completeness");
            var gap = ctx.Feature("gap_detected");
            bool hasVolume = ctx.Columns.Contains(Volume);
            var anomaly = hasVolume ? ctx.Feature("volume_anomaly") : default;
            bool hasCoverage = ctx.Columns.Contains(IntrabarCoverage);
            return c => QualityScoreState.Combine(c[Open], c[High], c[Low], c.Close, c.Value(completeness), c.Value(gap),
                hasVolume ? c.Value(anomaly) : 0.0, hasCoverage ? c[IntrabarCoverage] : 1.0);
        });
    }

    private static Func<StreamContext, double> Calendar(StreamContext ctx, int output)
    {
        var shared = ctx.Shared("calendar", () => new CalendarStep(ctx.Timeframe.Milliseconds));
        return c =>
        {
            shared.Advance(c);
            return shared.Outputs[output];
        };
    }

    /// <summary>
    /// The time-of-day and day-of-week encodings of the bar's decision time (hour sin, cos; day sin, cos). Where Δ divides
    /// the week the encodings repeat with the phase of the week, so each phase's values are computed once and kept (the
    /// same angle gives the same <see cref="Math.SinCos"/>, as the batch kernel's period table).
    /// </summary>
    private sealed class CalendarStep : SharedStep
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

        protected override void Step(StreamContext ctx)
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
