using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QuantFeatures.Internal;

/// <summary>
/// The natural logarithm used by every feature: a scalar form and a four-lane form that give the SAME bits for the same
/// input, on every machine and JIT tier, so a vectorized batch kernel equals the scalar streaming state bit for bit.
/// (<see cref="Math.Log(double)"/> calls the C runtime, whose last bit differs between libraries, and cannot be
/// vectorized; <see cref="Vector256.Log(Vector256{double})"/> is not specified to agree with any scalar function.)
/// </summary>
/// <remarks>
/// <para>Method: x = 2^e · m with m in [√2/2, √2); f = m − 1; s = f / (2 + f), so ln m = 2·atanh s =
/// f − s·f + s·R(s²)… rearranged as ln m = f − (f²/2 − s·(f²/2 + R)) with R(z) = Σ_{k=1..10} 2zᵏ/(2k + 1) (the atanh
/// series, |s| ≤ 0.1716, truncation below 1e-18 relative); ln x = e·ln2_hi + (ln m + e·ln2_lo) with ln 2 split so that
/// e·ln2_hi is exact. Horner steps are explicit fused multiply-adds (always fused, in both forms); every other
/// operation is a correctly rounded IEEE operation, and no operation depends on the lane.</para>
/// <para>Accuracy: within 1 ulp of the exact logarithm (tested against <see cref="Math.Log(double)"/> on random inputs
/// of every magnitude, including subnormals). Special values as <see cref="Math.Log(double)"/>: ln 0 = −∞, ln x = NaN
/// for x &lt; 0 or NaN, ln +∞ = +∞.</para>
/// </remarks>
internal static class LogMath
{
    private const double Sqrt2 = 1.4142135623730951;
    private const double Ln2Hi = 0.6931471803691238;     // bits 0x3FE62E42FEE00000: ln 2 with 21 trailing zero bits
    private const double Ln2Lo = 1.9082149292705877e-10; // ln 2 − Ln2Hi, rounded
    private const double TwoPow54 = 18014398509481984.0;
    private const double SmallestNormal = 2.2250738585072014e-308;
    private const long MantissaMask = 0x000F_FFFF_FFFF_FFFFL;
    private const long OneBits = 0x3FF0_0000_0000_0000L;
    private const long ExponentMagicBits = 0x4330_0000_0000_0000L; // 2^52: OR a biased exponent into it, subtract 2^52 + 1023
    private const double ExponentMagic = 4503599627370496.0 + 1023.0;

    // R(z) = z·(C1 + z·(C2 + … + z·C10)), Ck = 2 / (2k + 1).
    private const double C1 = 2.0 / 3.0;
    private const double C2 = 2.0 / 5.0;
    private const double C3 = 2.0 / 7.0;
    private const double C4 = 2.0 / 9.0;
    private const double C5 = 2.0 / 11.0;
    private const double C6 = 2.0 / 13.0;
    private const double C7 = 2.0 / 15.0;
    private const double C8 = 2.0 / 17.0;
    private const double C9 = 2.0 / 19.0;
    private const double C10 = 2.0 / 21.0;

    /// <summary>ln x (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x)
    {
        if (x > 0 && x < double.PositiveInfinity)
        {
            return Core(x);
        }

        return x == 0 ? double.NegativeInfinity : x == double.PositiveInfinity ? x : double.NaN;
    }

    /// <summary>ln of each lane: the same bits as <see cref="Log(double)"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        var zero = Vector256<double>.Zero;
        var positiveInfinity = Vector256.Create(double.PositiveInfinity);
        var regular = Vector256.GreaterThan(x, zero) & Vector256.LessThan(x, positiveInfinity);
        var result = Core(Vector256.ConditionalSelect(regular, x, Vector256<double>.One));
        var special = Vector256.ConditionalSelect(Vector256.Equals(x, zero), Vector256.Create(double.NegativeInfinity),
            Vector256.ConditionalSelect(Vector256.Equals(x, positiveInfinity), positiveInfinity, Vector256.Create(double.NaN)));
        return Vector256.ConditionalSelect(regular, result, special);
    }

    /// <summary>The logarithm of a positive finite x (scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Core(double x)
    {
        double adjust = 0.0;
        if (x < SmallestNormal)
        {
            x *= TwoPow54;
            adjust = -54.0;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        double m = BitConverter.Int64BitsToDouble((bits & MantissaMask) | OneBits);
        double e = BitConverter.Int64BitsToDouble(ExponentMagicBits | (long)((ulong)bits >> 52)) - ExponentMagic;
        if (m > Sqrt2)
        {
            m *= 0.5;
            e += 1.0;
        }

        e += adjust;
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double p = Math.FusedMultiplyAdd(C10, z, C9);
        p = Math.FusedMultiplyAdd(p, z, C8);
        p = Math.FusedMultiplyAdd(p, z, C7);
        p = Math.FusedMultiplyAdd(p, z, C6);
        p = Math.FusedMultiplyAdd(p, z, C5);
        p = Math.FusedMultiplyAdd(p, z, C4);
        p = Math.FusedMultiplyAdd(p, z, C3);
        p = Math.FusedMultiplyAdd(p, z, C2);
        p = Math.FusedMultiplyAdd(p, z, C1);
        double r = z * p;
        double halfSquare = 0.5 * f * f;
        return (e * Ln2Hi) - ((halfSquare - ((s * (halfSquare + r)) + (e * Ln2Lo))) - f);
    }

    /// <summary>The logarithm of positive finite lanes (the same operations as the scalar <c>Core</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Core(Vector256<double> x)
    {
        var subnormal = Vector256.LessThan(x, Vector256.Create(SmallestNormal));
        x = Vector256.ConditionalSelect(subnormal, x * Vector256.Create(TwoPow54), x);
        var adjust = Vector256.ConditionalSelect(subnormal, Vector256.Create(-54.0), Vector256<double>.Zero);

        var bits = x.AsInt64();
        var m = ((bits & Vector256.Create(MantissaMask)) | Vector256.Create(OneBits)).AsDouble();
        var e = (Vector256.Create(ExponentMagicBits) | Vector256.ShiftRightLogical(bits, 52)).AsDouble() - Vector256.Create(ExponentMagic);
        var high = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
        m = Vector256.ConditionalSelect(high, m * Vector256.Create(0.5), m);
        e = Vector256.ConditionalSelect(high, e + Vector256<double>.One, e);

        e += adjust;
        var f = m - Vector256<double>.One;
        var s = f / (Vector256.Create(2.0) + f);
        var z = s * s;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C10), z, Vector256.Create(C9));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C8));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C7));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C6));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(C1));
        var r = z * p;
        var halfSquare = Vector256.Create(0.5) * f * f;
        return (e * Vector256.Create(Ln2Hi)) - ((halfSquare - ((s * (halfSquare + r)) + (e * Vector256.Create(Ln2Lo)))) - f);
    }
}
