using QuantFeatures.Kernels;
using static QuantFeatures.MarketColumn;

namespace QuantFeatures;

/// <summary>Catalogue entries of the price family that are not TA-Lib functions.</summary>
internal static class PriceCatalog
{
    private const string WindowNan = "NaN while the window holds a NaN input; recovers when it leaves the window.";
    private const string PointNan = "NaN when an input at t (or t−k) is NaN or a denominator is 0.";

    public static void Register(CatalogBuilder b)
    {
        foreach (int k in (int[])[1, 5, 20, 100])
        {
            int lag = k;
            b.Add($"return_{k}", FeatureFamily.Price, [Close], lag, $"Simple return of the close over {k} bar(s).", $"C_t / C_(t-{k}) - 1", PointNan,
                (ctx, d) => Indicators.Change(ctx.Close, lag, d), [FeatureParameter.Period(k, "lag")]);
        }

        foreach (int k in (int[])[1, 5])
        {
            int lag = k;
            b.Add($"log_return_{k}", FeatureFamily.Price, [Close], lag, $"Log return of the close over {k} bar(s).", $"ln(C_t / C_(t-{k}))", PointNan,
                (ctx, d) => Indicators.LogChange(ctx.Close, lag, d), [FeatureParameter.Period(k, "lag")]);
        }

        foreach (var (name, hours) in (ReadOnlySpan<(string, int)>)[("return_1h", 1), ("return_4h", 4), ("return_1d", 24), ("momentum_168h", 168)])
        {
            var horizon = TimeSpan.FromHours(hours);
            b.AddHorizon(name, FeatureFamily.Price, [Close], horizon, bars => bars,
                $"Log return of the close over the wall-clock horizon {hours}h (horizon / Δ bars).", "ln(C_t / C_(t-h/Δ))", PointNan,
                (ctx, d) => Indicators.LogChange(ctx.Close, CatalogBuilder.Bars(ctx, horizon), d));
        }

        foreach (int n in (int[])[20, 50, 200])
        {
            int period = n;
            b.Add($"sma_{n}", FeatureFamily.Price, [Close], period - 1, $"Simple moving average of the close over {n} bars.", $"mean(C, {n})", WindowNan,
                (ctx, d) => Indicators.Sma(ctx.Close, period, d), [FeatureParameter.Period(n)], taLib: $"SMA({n})");
            b.Add($"price_vs_sma{n}", FeatureFamily.Price, [Close], period - 1, $"Distance of the close from its {n}-bar SMA.", $"C / sma_{n} - 1", WindowNan,
                (ctx, d) => Elementwise.RatioMinusOne(ctx.Close, ctx.Feature($"sma_{period}"), d), [FeatureParameter.Period(n)]);
        }
    }
}
