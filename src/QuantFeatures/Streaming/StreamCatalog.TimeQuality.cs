using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the time and quality family (the steps of their batch kernels).</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterTimeQuality(Builder b)
    {
        // volume_anomaly is a member of the volume windows step, whose volume_zscore_20 keeps the same moments of the volume.
        b.Fused("time-quality", TimeQualityStep.Names,
            (ctx, o) => new TimeQualityStep(ctx, o).Bind);

        // The score combines the bar's flags as the batch kernel does: a stream of its own, so that the calendar or the gap
        // flag alone does not bring in the volume windows step through volume_anomaly.
        b.Step("quality_score", ctx =>
        {
            var gap = ctx.Feature("gap_detected");
            var completeness = ctx.Feature("data_completeness");
            bool coverage = ctx.Columns.Contains(IntrabarCoverage);
            bool volume = ctx.Columns.Contains(Volume); // without a volume there is no anomaly (the batch kernel's 0)
            var anomaly = volume ? ctx.Feature("volume_anomaly") : default;
            return c => QualityScoreState.Combine(c[Open], c[High], c[Low], c.Close, c.Value(completeness), c.Value(gap),
                volume ? c.Value(anomaly) : 0.0, coverage ? c[IntrabarCoverage] : 1.0);
        });
    }

    /// <summary>The calendar encodings, the gap flag and the completeness of the bar's columns (as the batch kernels).</summary>
    private sealed class TimeQualityStep : FusedStep
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "hour_sin", "hour_cos", "dow_sin", "dow_cos", "gap_detected", "data_completeness",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5);

        private readonly CalendarStep _calendar;
        private readonly (int Start, int Length)[] _counted;
        private GapState _gap;
        private DataCompletenessState _completeness;

        public TimeQualityStep(StreamContext ctx, FusedOutputs o)
            : base(o)
        {
            _calendar = new CalendarStep(ctx.Timeframe.Milliseconds);
            _gap = new GapState(ctx.Timeframe.Milliseconds);

            // The columns the batch kernel counts: every present column except the resampler's sub-bar statistics. The
            // engine's bar holds NaN in every column it does not carry, so counting the values that are not NaN over all
            // the columns but the sub-bar ones (two runs of the column order) counts those of the present ones.
            _completeness = new DataCompletenessState(ctx.Columns.Count(column => !column.IsIntrabar()));
            _counted = [.. StreamingFeatureEngine.Runs([.. MarketColumns.All.Where(column => !column.IsIntrabar()).Select(column => (int)column)])
                .Select(run => (run.From, run.Length))];
        }

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            var v = ValuesOf(c);
            ulong w = Wanted; // the states of members the engine does not compute are skipped (their values are never read)
            if (TMembers.Has(w, 0) || TMembers.Has(w, 1) || TMembers.Has(w, 2) || TMembers.Has(w, 3))
            {
                var calendar = _calendar.Outputs;
                _calendar.Step(c);
                v[P0] = calendar[0];
                v[P1] = calendar[1];
                v[P2] = calendar[2];
                v[P3] = calendar[3];
            }

            v[P4] = TMembers.Has(w, 4) ? _gap.Update(c.OpenTime) : 0;
            if (TMembers.Has(w, 5))
            {
                var bar = c.Bar.Values.AsSpan();
                int present = 0;
                foreach (var (start, length) in _counted)
                {
                    present += DataCompletenessState.Present(bar.Slice(start, length));
                }

                v[P5] = _completeness.Share(present);
            }

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
        private readonly long _phases;
        private CalendarEncodingState _state;
        private long _lastDecision = long.MinValue;
        private long _lastPhase = -1; // the last bar's phase of the week, −1 when it had none

        public CalendarStep(long timeframeMilliseconds)
        {
            _timeframe = timeframeMilliseconds;
            _state = new CalendarEncodingState(timeframeMilliseconds);
            long phases = CalendarEncodingState.WeekMilliseconds / timeframeMilliseconds;
            if (CalendarEncodingState.WeekMilliseconds % timeframeMilliseconds == 0 && phases <= MaxPhases)
            {
                _table = new double[phases * 4];
                Array.Fill(_table, double.NaN);
                _phases = phases;
            }
        }

        public double[] Outputs { get; } = new double[4];

        public void Step(StreamContext ctx)
        {
            long decision = ctx.OpenTime + _timeframe;
            long phase = -1;
            if (_table is not null)
            {
                if (decision == _lastDecision + _timeframe && _lastPhase >= 0)
                {
                    // One Δ after a bar with a phase: the next phase (Δ divides the week, so this is the division's result).
                    phase = _lastPhase + 1 == _phases ? 0 : _lastPhase + 1;
                }
                else if (decision % _timeframe == 0)
                {
                    long week = CalendarEncodingState.WeekMilliseconds;
                    phase = ((decision - (4 * CalendarEncodingState.DayMilliseconds)) % week + week) % week / _timeframe;
                }

                _lastDecision = decision;
                _lastPhase = phase;
            }

            if (phase >= 0 && _table is { } table)
            {
                int at = (int)phase * 4;
                if (double.IsNaN(table[at]))
                {
                    Compute(ctx.OpenTime);
                    Outputs.CopyTo(table, at);
                }
                else
                {
                    table.AsSpan(at, 4).CopyTo(Outputs);
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
