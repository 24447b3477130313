using System.Runtime.CompilerServices;

namespace QuantFeatures.Kernels;

/// <summary>
/// Span kernels for every indicator the feature families need, in the shape of <c>TensorPrimitives</c>:
/// inputs first, parameters next, destination last. Each kernel validates its arguments once, allocates nothing
/// (scratch is pooled), writes <c>destination[t]</c> for every input index t, and leaves exactly
/// <c>XxxLookback(parameters)</c> leading NaN values on clean input.
/// </summary>
/// <remarks>
/// <para>Every kernel loops the <c>Update</c> of its state struct (<c>XxxState</c>), the single source of truth that
/// the streaming engine also uses, so batch and streaming give bit-identical values.</para>
/// <para>NaN rule for windowed kernels: a NaN input makes NaN every output whose window contains it; the output
/// recovers when the NaN leaves the window. Recursive kernels (EMA and those built on it) restart their seeding after
/// a NaN. Division by zero gives NaN unless a TA-Lib definition fixes another value (documented per kernel).</para>
/// </remarks>
public static partial class Indicators
{
    /// <summary>Number of bars after which windowed running sums are recomputed exactly from the window, so they never drift.</summary>
    internal const int RecomputeInterval = 1024;

    /// <summary>
    /// The exact-recomputation interval of a running window sum of <paramref name="period"/> values: 1,024 bars for
    /// windows up to 128, then a whole multiple of 1,024 of at least 8 × period, so a recomputation (period additions)
    /// costs at most 1/8 addition per bar even for week-long windows at 1m (10,080 bars). The drift it bounds grows
    /// by about one rounding per update: over 81,000 updates ~1e-11 relative, far inside every tolerance.
    /// </summary>
    internal static int SumRecomputeInterval(int period) => RecomputeInterval * Math.Max(1, (period + 127) / 128);

    /// <summary>
    /// <c>count % interval == 0</c> for an <paramref name="interval"/> ≥ 1, without an integer division on almost every
    /// call: a multiple of <paramref name="interval"/> is a multiple of its lowest set bit (also in two's complement, so
    /// for a negative <paramref name="count"/> too), so the division runs only when the low bits are all 0 (1 call in
    /// 1,024 for the running-sum intervals, 1 in 8 or more for the others). The same answer as the remainder on every
    /// input, so a recomputation fires on exactly the same update.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsMultiple(int count, int interval) =>
        (count & ((interval & -interval) - 1)) == 0 && count % interval == 0;

    /// <summary><c>t % interval == 0</c> for a bar index (the same test as <see cref="IsMultiple(int, int)"/>, without a 64-bit division on almost every call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsMultiple(long t, int interval) =>
        (t & ((interval & -interval) - 1)) == 0 && t % interval == 0;

    internal static void CheckDestination(int length, Span<double> destination) =>
        Internal.Guard.Destination(length, destination.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Div(double numerator, double denominator) => denominator != 0 ? numerator / denominator : double.NaN;
}
