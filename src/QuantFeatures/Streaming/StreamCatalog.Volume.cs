using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the volume and order-flow family (the steps of their batch kernels).</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterVolume(Builder b)
    {
        RegisterVolumeLevels(b);
        RegisterVolumeTaLib(b);
        RegisterPriceVolume(b);
        RegisterLiquidity(b);
        RegisterTakerFlow(b);
    }

    private static void RegisterVolumeLevels(Builder b)
    {
        b.Step("volume_change", _ =>
        {
            var s = new ChangeState(1, log: false);
            return c => s.Update(c[Volume]);
        });
        b.Step("volume_sma_20", _ =>
        {
            var s = new SmaState(20);
            return c => s.Update(c[Volume]);
        });
        b.Step("volume_ratio_20", ctx =>
        {
            var sma = ctx.Feature("volume_sma_20");
            return c => Ratio.Divide(c[Volume], c.Value(sma));
        });
        b.Step("volume_roc_10", _ =>
        {
            var s = new ChangeState(10, log: false);
            return c => s.Update(c[Volume]);
        });
        b.Step("volume_zscore_20", _ =>
        {
            var s = new RollingMomentsState(20, 1);
            return c => s.Update(c[Volume]) ? s.ZScore : double.NaN;
        });
        b.Step("volume_spike_score", ctx =>
        {
            var sma = ctx.Feature("volume_sma_20");
            return c => Ratio.Change(c[Volume], c.Value(sma));
        });
        b.Step("turnover_ratio_24h", ctx =>
        {
            var s = new RelativeToMeanState(ctx.Bars(Day));
            return c => s.Update(c[Volume]);
        });
    }

    private static void RegisterVolumeTaLib(Builder b)
    {
        b.Step("obv", _ =>
        {
            var s = new ObvState();
            return c => s.Update(c.Close, c[Volume]);
        });
        b.Step("obv_sma_20", ctx =>
        {
            var obv = ctx.Feature("obv");
            var s = new SmaState(20);
            return c => s.Update(c.Value(obv));
        });
        b.Step("ad", _ =>
        {
            var s = new AdState();
            return c => s.Update(c[High], c[Low], c.Close, c[Volume]);
        });
        b.Step("adosc", _ =>
        {
            var s = new AdoscState(3, 10); // its own AD line: ad's step
            return c => s.Update(c[High], c[Low], c.Close, c[Volume]);
        });
        b.Step("cmf_20", _ =>
        {
            var s = new CmfState(20);
            return c => s.Update(c[High], c[Low], c.Close, c[Volume]);
        });
        b.Step("mfi_14", _ =>
        {
            var s = new MfiState(14);
            return c => s.Update(c[High], c[Low], c.Close, c[Volume]);
        });
        b.Step("force_index_13", _ =>
        {
            var s = new ForceIndexState(13);
            return c => s.Update(c.Close, c[Volume]);
        });
    }

    private static void RegisterPriceVolume(Builder b)
    {
        b.Step("vwap_20", _ =>
        {
            var s = new VwapState(20);
            return c => s.Update(c[High], c[Low], c.Close, c[Volume]);
        });
        b.Step("price_vs_vwap", ctx =>
        {
            var vwap = ctx.Feature("vwap_20");
            return c => Ratio.Change(c.Close, c.Value(vwap));
        });
        b.Step("vwap_session", _ =>
        {
            var s = new VwapSessionState();
            return c => s.Update(c.OpenTime, c[High], c[Low], c.Close, c[Volume]);
        });
        b.Step("price_vs_vwap_session", ctx =>
        {
            var vwap = ctx.Feature("vwap_session");
            return c => Ratio.Change(c.Close, c.Value(vwap));
        });
        b.Step("price_volume_corr_20", _ =>
        {
            var s = new PriceVolumeCorrelationState(20);
            return c => s.Update(c.Close, c[Volume]);
        });
    }

    private static void RegisterLiquidity(Builder b)
    {
        b.Step("amihud_20", ctx =>
        {
            // The log return is log_return_1's step (ln(C_t / C_(t-1)), NaN at the first bar), kept in the state.
            var s = new AmihudState(20);
            if (ctx.Columns.Contains(QuoteVolume))
            {
                return c => s.Update(c.Close, c[QuoteVolume]);
            }

            return c => s.Update(c.Close, c.Close * c[Volume]);
        });
        b.Step("roll_spread_20", _ =>
        {
            var s = new RollSpreadState(20);
            return c => s.Update(c.Close);
        });
        b.Step("corwin_schultz_20", _ =>
        {
            var s = new CorwinSchultzState(20);
            return c => s.Update(c[High], c[Low]);
        });
    }

    private static void RegisterTakerFlow(Builder b)
    {
        b.Step("taker_buy_ratio", _ => c => OrderFlow.TakerBuyRatio(c[TakerBuyVolume], c[Volume]));
        b.Step("buy_sell_ratio", _ => c => OrderFlow.BuySellRatio(c[TakerBuyVolume], c[Volume]));
        b.Step("cvd", _ =>
        {
            var s = new CvdState();
            return c => s.Update(c[TakerBuyVolume], c[Volume]);
        });
        b.Step("cvd_20", _ =>
        {
            var s = new TakerImbalanceState(20);
            return c => s.Update(c[TakerBuyVolume], c[Volume]);
        });
        b.Step("vpin_50", _ =>
        {
            var s = new VpinState(50);
            return c => s.Update(c[TakerBuyVolume], c[Volume]);
        });
        b.Step("avg_trade_size", _ => c => OrderFlow.AverageTradeSize(c[Volume], c[Trades]));
    }
}
