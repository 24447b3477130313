using System.Runtime.Intrinsics;
using QuantFeatures.Internal;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The library's logarithm: within 1 ulp of <see cref="Math.Log(double)"/> (itself within 1 ulp of the exact value, so
/// the two may differ by up to 1 ulp in either direction), the scalar and four-lane forms bit-identical, and
/// <see cref="Math.Log(double)"/>'s special values.
/// </summary>
public class LogMathTests
{
    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    private static IEnumerable<double> Inputs(int count, int seed)
    {
        var rnd = new Random(seed);
        for (int k = 0; k < count; k++)
        {
            switch (k % 4)
            {
                case 0: // every binade
                    yield return BitConverter.Int64BitsToDouble(rnd.NextInt64(1, 0x7FEF_FFFF_FFFF_FFFFL));
                    break;
                case 1: // price ratios near 1 (returns), where cancellation would show
                    yield return 1.0 + ((rnd.NextDouble() - 0.5) * Math.Pow(10, -rnd.Next(1, 12)));
                    break;
                case 2: // prices and volumes
                    yield return rnd.NextDouble() * Math.Pow(10, rnd.Next(-9, 9));
                    break;
                default: // subnormals
                    yield return BitConverter.Int64BitsToDouble(rnd.NextInt64(1, 0x000F_FFFF_FFFF_FFFFL));
                    break;
            }
        }
    }

    [Fact]
    public void Within_one_ulp_of_Math_Log_everywhere()
    {
        long worst = 0;
        foreach (double x in Inputs(400_000, 1))
        {
            double ours = LogMath.Log(x);
            double reference = Math.Log(x);
            long ulps = Ulps(ours, reference);
            Assert.True(ulps <= 1, $"ln({x:R}) = {ours:R}, Math.Log = {reference:R} ({ulps} ulp)");
            worst = Math.Max(worst, ulps);
        }

        Assert.Equal(1, worst); // the two differ somewhere by one rounding: this test can tell them apart
    }

    [Fact]
    public void Exact_at_powers_of_two_and_one()
    {
        Assert.Equal(0.0, LogMath.Log(1.0));
        for (int e = -1074; e <= 1023; e++)
        {
            double x = Math.ScaleB(1.0, e);
            Assert.True(Ulps(LogMath.Log(x), e * Math.Log(2.0)) <= 1, $"2^{e}");
        }
    }

    [Fact]
    public void Four_lanes_equal_the_scalar_bit_for_bit()
    {
        var values = Inputs(200_000, 2).ToArray();
        for (int i = 0; i + 4 <= values.Length; i += 4)
        {
            var lanes = LogMath.Log(Vector256.Create(values[i], values[i + 1], values[i + 2], values[i + 3]));
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(LogMath.Log(values[i + k])), BitConverter.DoubleToInt64Bits(lanes[k]));
            }
        }
    }

    [Theory]
    [InlineData(0.0, double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity)]
    [InlineData(-1.0, double.NaN)]
    [InlineData(double.NegativeInfinity, double.NaN)]
    [InlineData(double.NaN, double.NaN)]
    [InlineData(-5e-324, double.NaN)]
    public void Special_values_as_Math_Log(double x, double expected)
    {
        Assert.Equal(expected, LogMath.Log(x));
        Assert.Equal(expected, Math.Log(x));
        var lanes = LogMath.Log(Vector256.Create(x, 1.0, x, 2.0));
        Assert.Equal(expected, lanes[0]);
        Assert.Equal(0.0, lanes[1]);
        Assert.Equal(expected, lanes[2]);
        Assert.Equal(Math.Log(2.0), lanes[3]);
    }
}
