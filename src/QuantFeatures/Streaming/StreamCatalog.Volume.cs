using QuantFeatures.Kernels;
using QuantFeatures.Quality;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the volume and order-flow family (the steps of their batch kernels), in four fused steps grouped by
/// how much history their members remember: the cumulative and recursive lines, the windows of at most 50 bars, the UTC
/// session VWAP, and the 24-hour turnover.</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterVolume(Builder b)
    {
        // The cumulative lines (OBV, A/D, CVD) and what smooths them recursively, which remember the whole history.
        b.Fused("volume:recursive", VolumeRecursiveStep.Names, (_, o) => new VolumeRecursiveStep(o).Bind);

        // Levels, TA-Lib money-flow windows, price-volume, liquidity and taker flow over windows of at most 50 bars.
        b.Fused("volume:windows", VolumeWindowsStep.Names, (ctx, o) =>
        {
            ctx.TakesLogs = true; // ln(V + 1) and the one-bar log return are the bar's logarithms
            return new VolumeWindowsStep(ctx, o).Bind;
        });

        b.Fused("volume:session", VolumeSessionStep.Names, (_, o) => new VolumeSessionStep(o).Bind);
        b.Step("turnover_ratio_24h", ctx =>
        {
            var s = new RelativeToMeanState(ctx.Bars(Day));
            return c => s.Update(c[Volume]);
        });
    }

    /// <summary>OBV and its SMA(20), the A/D line, ADOSC(3, 10) (its own A/D line), the force index (13) and the
    /// cumulative volume delta.</summary>
    private sealed class VolumeRecursiveStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = ["obv", "obv_sma_20", "ad", "adosc", "force_index_13", "cvd"];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5);

        private ObvState _obv = new();
        private SmaState _obvSma = new(20);
        private AdState _ad = new();
        private AdoscState _adosc = new(3, 10);
        private ForceIndexState _force = new(13);
        private CvdState _cvd = new();

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double high = c[High], low = c[Low], close = c.Close, volume = c[Volume];
            var v = ValuesOf(c);
            ulong w = Wanted; // the states of members the engine does not compute are skipped (their values are never read)
            if (TMembers.Has(w, 0) || TMembers.Has(w, 1))
            {
                double obv = _obv.Update(close, volume);
                v[P0] = obv;
                v[P1] = TMembers.Has(w, 1) ? _obvSma.Update(obv) : 0;
            }

            v[P2] = TMembers.Has(w, 2) ? _ad.Update(high, low, close, volume) : 0;
            v[P3] = TMembers.Has(w, 3) ? _adosc.Update(high, low, close, volume) : 0;
            v[P4] = TMembers.Has(w, 4) ? _force.Update(close, volume) : 0;
            v[P5] = TMembers.Has(w, 5) ? _cvd.Update(c[TakerBuyVolume], volume) : 0;
            return 0;
        }
    }

    /// <summary>The volume family's windows of at most 50 bars, each its own state as in batch, and the volume anomaly of
    /// the quality family, read from volume_zscore_20's moments (the 20-bar moments of the volume that its batch kernel and
    /// VolumeAnomalyState keep too).</summary>
    private sealed class VolumeWindowsStep(StreamContext ctx, FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = [
            "volume_change", "volume_sma_20", "volume_ratio_20", "volume_roc_10", "volume_zscore_20",
            "volume_spike_score", "cmf_20", "mfi_14", "vwap_20", "price_vs_vwap", "price_volume_corr_20", "amihud_20",
            "roll_spread_20", "taker_buy_ratio", "buy_sell_ratio", "cvd_20", "vpin_50", "avg_trade_size",
            "volume_anomaly",
        ];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1), P2 = At(Names, 2), P3 = At(Names, 3),
            P4 = At(Names, 4), P5 = At(Names, 5), P6 = At(Names, 6), P7 = At(Names, 7), P8 = At(Names, 8),
            P9 = At(Names, 9), P10 = At(Names, 10), P11 = At(Names, 11), P12 = At(Names, 12), P13 = At(Names, 13),
            P14 = At(Names, 14), P15 = At(Names, 15), P16 = At(Names, 16), P17 = At(Names, 17), P18 = At(Names, 18);

        private readonly bool _quoteVolume = ctx.Columns.Contains(QuoteVolume);
        private Ring _volumes = new(10); // one delay line of the volume for volume_change and volume_roc_10 (batch: a lag's own)
        private SmaState _sma = new(20);
        private RollingMomentsState _zscore = new(20, 1); // volume_zscore_20's, and volume_anomaly's (QualityRules.VolumeAnomalyPeriod is 20)
        private CmfState _cmf = new(20);
        private MfiState _mfi = new(14);
        private VwapState _vwap = new(20);
        private PriceVolumeCorrelationState _correlation = new(20);
        private AmihudState _amihud = new(20);
        private RollSpreadState _roll = new(20);
        private TakerImbalanceState _imbalance = new(20);
        private VpinState _vpin = new(50);

        public Func<StreamContext, double> Bind(bool all) => all ? Run<AllMembers> : Run<SomeMembers>;

        private double Run<TMembers>(StreamContext c)
            where TMembers : struct, IMembers
        {
            double high = c[High], low = c[Low], close = c.Close, volume = c[Volume], takerBuy = c[TakerBuyVolume];
            var v = ValuesOf(c);
            ulong w = Wanted;
            // read before the push: Back(k - 1) is the volume k bars ago (NaN while fewer were stored), as LagState(k) gives it
            v[P0] = Ratio.Change(volume, _volumes.Back(0));
            v[P3] = Ratio.Change(volume, _volumes.Back(9));
            _volumes.Push(volume);
            double sma = TMembers.Has(w, 1) || TMembers.Has(w, 2) || TMembers.Has(w, 5) ? _sma.Update(volume) : 0;
            v[P1] = sma;
            v[P2] = Ratio.Divide(volume, sma);
            if (TMembers.Has(w, 4) || TMembers.Has(w, 18))
            {
                // volume_anomaly (a time-quality feature) is the z-score against the preceding window: these moments as they
                // stood after the previous bar, which VolumeAnomalyState reads from its own RollingMomentsState(20, 1).
                double prior = VolumeAnomalyState.PriorZ(volume, _zscore.Mean, _zscore.Variance);
                v[P4] = _zscore.Update(volume) ? _zscore.ZScore : double.NaN;
                v[P18] = VolumeAnomalyState.Flag(volume, prior, QualityRules.VolumeAnomalyThreshold);
            }

            v[P5] = Ratio.Change(volume, sma);
            v[P6] = TMembers.Has(w, 6) ? _cmf.Update(high, low, close, volume) : 0;
            v[P7] = TMembers.Has(w, 7) ? _mfi.Update(high, low, close, volume) : 0;
            double vwap = TMembers.Has(w, 8) || TMembers.Has(w, 9) ? _vwap.Update(high, low, close, volume) : 0;
            v[P8] = vwap;
            v[P9] = Ratio.Change(close, vwap);
            // ln(V + 1) of the correlation and the log return of the Amihud ratio, from the bar's logarithms (the bits of each
            // state's own scalar log: LogVolume(V) is Ratio.Log(V + 1, 1), and the state's previous close is the previous bar's).
            double logVolume = c.Log(BarLog.Volume), logReturn = c.Log(BarLog.Return);

            v[P10] = TMembers.Has(w, 10) ? _correlation.UpdateWith(close, logVolume) : 0;
            // The log return is log_return_1's step (ln(C_t / C_(t-1)), NaN at the first bar), kept in the state. It stays
            // here, not in the returns step: its compensated sum's schedule (1,024 updates) with the returns' moments
            // (16,800 together) would give that step a replay phase of 537,600 bars, a warm start's whole history.
            v[P11] = TMembers.Has(w, 11) ? _amihud.UpdateWith(close, logReturn, _quoteVolume ? c[QuoteVolume] : close * volume) : 0;
            v[P12] = TMembers.Has(w, 12) ? _roll.Update(close) : 0;
            // corwin_schultz_20 is a member of the range-volatility step, which has the bar's ln(H/L).
            v[P13] = OrderFlow.TakerBuyRatio(takerBuy, volume);
            v[P14] = OrderFlow.BuySellRatio(takerBuy, volume);
            v[P15] = TMembers.Has(w, 15) ? _imbalance.Update(takerBuy, volume) : 0;
            v[P16] = TMembers.Has(w, 16) ? _vpin.Update(takerBuy, volume) : 0;
            v[P17] = OrderFlow.AverageTradeSize(volume, c[Trades]);
            return 0;
        }
    }

    /// <summary>The VWAP of the current UTC session and the close's distance from it.</summary>
    private sealed class VolumeSessionStep(FusedOutputs o) : FusedStep(o)
    {
        /// <summary>The members, in the order of <see cref="FusedOutputs.Names"/>.</summary>
        internal static readonly string[] Names = ["vwap_session", "price_vs_vwap_session"];

        // The members' value positions (their catalogue positions): constants to the JIT, so each write is one store.
        private static readonly int P0 = At(Names, 0), P1 = At(Names, 1);

        private VwapSessionState _vwap = new();

        public Func<StreamContext, double> Bind(bool all) => Run;

        private double Run(StreamContext c)
        {
            double close = c.Close;
            double vwap = _vwap.Update(c.OpenTime, c[High], c[Low], close, c[Volume]);
            var v = ValuesOf(c);
            v[P0] = vwap;
            v[P1] = Ratio.Change(close, vwap);
            return 0;
        }
    }
}
