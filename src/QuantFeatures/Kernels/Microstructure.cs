using System.Runtime.CompilerServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>
    /// Deviation of the close from the VWAP of the bar's sub-bars: <c>(C − VWAP) / VWAP</c>.
    /// </summary>
    /// <param name="close">Close prices.</param>
    /// <param name="vwap">VWAP of each bar's sub-bars (the <c>intrabar_vwap</c> column of a resampled frame).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback 0; point-wise (the step is <see cref="Intrabar.VwapDeviation"/>). NaN when either input is NaN or
    /// VWAP = 0.</remarks>
    public static void VwapDeviation(ReadOnlySpan<double> close, ReadOnlySpan<double> vwap, Span<double> destination)
    {
        Guard.SameLength(close.Length, vwap.Length, nameof(vwap));
        CheckDestination(close.Length, destination);
        for (int i = 0; i < close.Length; i++)
        {
            destination[i] = Intrabar.VwapDeviation(close[i], vwap[i]);
        }
    }

    /// <summary>
    /// Price efficiency: the bar's intrabar realized volatility relative to its typical range,
    /// <c>realized_vol_intrabar / (ATR / C)</c>.
    /// </summary>
    /// <param name="realizedVolatility">Intrabar realized volatility (the <c>intrabar_realized_vol</c> column).</param>
    /// <param name="atr">Average true range (the catalogue uses <c>atr_14</c>, TA-Lib ATR(14)).</param>
    /// <param name="close">Close prices.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback: that of <paramref name="atr"/> (14 for ATR(14)); point-wise (the step is
    /// <see cref="Intrabar.PriceEfficiency"/>). NaN when an input is NaN, C = 0 or ATR = 0.</remarks>
    public static void PriceEfficiency(ReadOnlySpan<double> realizedVolatility, ReadOnlySpan<double> atr, ReadOnlySpan<double> close,
        Span<double> destination)
    {
        Guard.SameLength(realizedVolatility.Length, atr.Length, nameof(atr));
        Guard.SameLength(realizedVolatility.Length, close.Length, nameof(close));
        CheckDestination(realizedVolatility.Length, destination);
        for (int i = 0; i < close.Length; i++)
        {
            destination[i] = Intrabar.PriceEfficiency(realizedVolatility[i], atr[i], close[i]);
        }
    }
}

/// <summary>Per-bar steps of the microstructure features (the point-wise kernels loop them).</summary>
public static class Intrabar
{
    /// <summary><c>(C − VWAP) / VWAP</c>; NaN when either is NaN or VWAP = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double VwapDeviation(double close, double vwap) => Ratio.Divide(close - vwap, vwap);

    /// <summary><c>realized_vol / (ATR / C)</c>; NaN when an input is NaN, C = 0 or ATR = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double PriceEfficiency(double realizedVolatility, double atr, double close) =>
        Ratio.Divide(realizedVolatility, Ratio.Divide(atr, close));
}
