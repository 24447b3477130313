using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// Windows longer than 128 bars recompute their running sums less often (at least every 8 × period bars): the batch
/// kernels still equal the looped states bit for bit across several recomputations and NaN holes, and stay within
/// 1e-9 relative of the exact window mean.
/// </summary>
public class LongWindowTests
{
    [Theory]
    [InlineData(129)]
    [InlineData(300)]
    [InlineData(2_500)]
    public void Sma_and_sum_ratio_of_long_windows_equal_their_states_and_the_exact_mean(int period)
    {
        var frame = TestData.Synthetic(40_000, seed: 5);
        var x = Series.WithHoles(frame.Close, every: 9_000);
        var v = frame[MarketColumn.Volume].ToArray();
        var sma = new double[x.Length];
        Indicators.Sma(x, period, sma);
        var state = new SmaState(period);
        var ratio = new double[x.Length];
        Indicators.RollingSumRatio(x, v, period, ratio);
        var ratioState = new RollingSumRatioState(period);
        for (int t = 0; t < x.Length; t++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(state.Update(x[t])), BitConverter.DoubleToInt64Bits(sma[t]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(ratioState.Update(x[t], v[t])), BitConverter.DoubleToInt64Bits(ratio[t]));
            if (t >= period - 1 && !double.IsNaN(sma[t]))
            {
                double exact = 0;
                for (int k = t - period + 1; k <= t; k++)
                {
                    exact += x[k];
                }

                exact /= period;
                Assert.True(Math.Abs(sma[t] - exact) <= 1e-9 * Math.Abs(exact), $"t={t}: {sma[t]} vs {exact}");
            }
        }
    }
}
