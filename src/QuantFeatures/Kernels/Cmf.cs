using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Cmf"/>: <c>period − 1</c>.</summary>
    public static int CmfLookback(int period = 20) => RollingSumRatioLookback(period);

    /// <summary>
    /// Chaikin money flow: <c>Σ(MFM · V) / ΣV</c> over the last <paramref name="period"/> bars, with the money-flow
    /// multiplier <c>MFM = ((C − L) − (H − C)) / (H − L)</c>, 0 when <c>H − L ≤ 0</c> (the guard of TA-Lib's AD, so
    /// CMF's numerator terms are exactly the increments of <see cref="Ad"/>).
    /// </summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period − 1</c>. NaN while the window holds a bar with a NaN input, and NaN when the window's
    /// volume is 0. Sums as <see cref="RollingSumRatio"/> (exact recomputation every 1,024 bars). Bit-identical to
    /// looping <see cref="CmfState.Update"/>.</remarks>
    public static void Cmf(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume,
        int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckHlcv(high, low, close, volume, destination);
        int n = high.Length;
        var mfv = Scratch.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                mfv[i] = AdState.MoneyFlowVolume(high[i], low[i], close[i], volume[i]);
            }

            RollingSumRatio(mfv.AsSpan(0, n), volume, period, destination);
        }
        finally
        {
            Scratch.Return(mfv);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Cmf"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct CmfState
{
    private RollingSumRatioState _ratio;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public CmfState(int period = 20) => _ratio = new RollingSumRatioState(period);

    /// <summary>Adds the next bar and returns the CMF (NaN until the window is full, while it holds a NaN bar, or when its volume is 0).</summary>
    public double Update(double high, double low, double close, double volume) =>
        _ratio.Update(AdState.MoneyFlowVolume(high, low, close, volume), volume);
}
