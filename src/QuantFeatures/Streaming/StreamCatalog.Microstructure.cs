using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures.Streaming;

/// <summary>Streams of the microstructure family (the resampler's sub-bar statistics of each bar).</summary>
internal static partial class StreamCatalog
{
    static partial void RegisterMicrostructure(Builder b)
    {
        b.Step("vwap_deviation", _ => c => Intrabar.VwapDeviation(c.Close, c[IntrabarVwap]));
        b.Step("realized_vol_intrabar", _ => c => c[IntrabarRealizedVol]);
        b.Step("volume_cv_intrabar", _ => c => c[IntrabarVolumeCv]);
        b.Step("price_efficiency", _ =>
        {
            var atr = new AtrState(14); // atr_14's step
            return c => Intrabar.PriceEfficiency(c[IntrabarRealizedVol], atr.Update(c[High], c[Low], c.Close), c.Close);
        });
        var week = TimeSpan.FromHours(168);
        b.Step("volatility_regime_168h", ctx =>
        {
            var s = new RelativeToMeanState(ctx.Bars(week));
            return c => s.Update(c[IntrabarRealizedVol]);
        });
    }
}
