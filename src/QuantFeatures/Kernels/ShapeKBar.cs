using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QuantFeatures.Kernels;

/// <summary>The nine Qlib Alpha158 k-bar shape features (ε = 1e-12 in the range denominators).</summary>
public enum KBarKind
{
    /// <summary><c>kmid</c>: (C − O) / O.</summary>
    Mid,
    /// <summary><c>klen</c>: (H − L) / O.</summary>
    Length,
    /// <summary><c>kmid2</c>: (C − O) / (H − L + ε).</summary>
    Mid2,
    /// <summary><c>kup</c>: (H − max(O, C)) / O.</summary>
    Up,
    /// <summary><c>kup2</c>: (H − max(O, C)) / (H − L + ε).</summary>
    Up2,
    /// <summary><c>klow</c>: (min(O, C) − L) / O.</summary>
    Low,
    /// <summary><c>klow2</c>: (min(O, C) − L) / (H − L + ε).</summary>
    Low2,
    /// <summary><c>ksft</c>: (2C − H − L) / O.</summary>
    Shift,
    /// <summary><c>ksft2</c>: (2C − H − L) / (H − L + ε).</summary>
    Shift2,
}

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="KBar"/>: 0 (a bar-by-bar feature).</summary>
    public static int KBarLookback() => 0;

    /// <summary>
    /// A Qlib Alpha158 k-bar shape feature of each bar (see <see cref="KBarKind"/> for the nine formulas).
    /// </summary>
    /// <param name="open">Open prices.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="kind">Which feature.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Qlib's exact expressions: the "2" variants divide by <c>H − L + 1e-12</c> (so a bar with H = L gives 0 or a
    /// tiny-denominator value, as Qlib), the others by O; 2C − H − L is evaluated left to right as Qlib does.</para>
    /// <para>Lookback 0. NaN when an input the formula uses is NaN, or when a quotient is not finite (O = 0). Equals
    /// <see cref="KBarState.Update"/> bit for bit.</para>
    /// </remarks>
    public static void KBar(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        KBarKind kind, Span<double> destination)
    {
        CheckOhlc(open, high, low, close, destination);
        switch (kind)
        {
            case KBarKind.Mid: KBarLoop<KMid>(open, high, low, close, destination); break;
            case KBarKind.Length: KBarLoop<KLen>(open, high, low, close, destination); break;
            case KBarKind.Mid2: KBarLoop<KMid2>(open, high, low, close, destination); break;
            case KBarKind.Up: KBarLoop<KUp>(open, high, low, close, destination); break;
            case KBarKind.Up2: KBarLoop<KUp2>(open, high, low, close, destination); break;
            case KBarKind.Low: KBarLoop<KLow>(open, high, low, close, destination); break;
            case KBarKind.Low2: KBarLoop<KLow2>(open, high, low, close, destination); break;
            case KBarKind.Shift: KBarLoop<KSft>(open, high, low, close, destination); break;
            case KBarKind.Shift2: KBarLoop<KSft2>(open, high, low, close, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown k-bar feature.");
        }
    }

    private static void KBarLoop<T>(ReadOnlySpan<double> open, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> destination)
        where T : struct, IKBarTerm
    {
        ref double o = ref MemoryMarshal.GetReference(open);
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double d = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < open.Length; i++)
        {
            Unsafe.Add(ref d, i) = T.Value(Unsafe.Add(ref o, i), Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i));
        }
    }
}

/// <summary>Bar-by-bar step of <see cref="Indicators.KBar"/> (stateless: the struct only remembers which feature).</summary>
public readonly struct KBarState
{
    private readonly KBarKind _kind;

    /// <summary>Creates the step for one k-bar feature.</summary>
    public KBarState(KBarKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown k-bar feature.");
        }

        _kind = kind;
    }

    /// <summary>The feature of this bar.</summary>
    public double Update(double open, double high, double low, double close) => _kind switch
    {
        KBarKind.Mid => KMid.Value(open, high, low, close),
        KBarKind.Length => KLen.Value(open, high, low, close),
        KBarKind.Mid2 => KMid2.Value(open, high, low, close),
        KBarKind.Up => KUp.Value(open, high, low, close),
        KBarKind.Up2 => KUp2.Value(open, high, low, close),
        KBarKind.Low => KLow.Value(open, high, low, close),
        KBarKind.Low2 => KLow2.Value(open, high, low, close),
        KBarKind.Shift => KSft.Value(open, high, low, close),
        _ => KSft2.Value(open, high, low, close),
    };
}

internal interface IKBarTerm
{
    static abstract double Value(double open, double high, double low, double close);
}

internal static class KBarMath
{
    /// <summary>Qlib's ε in the range denominators.</summary>
    public const double Epsilon = 1e-12;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Range(double high, double low) => high - low + Epsilon;
}

internal readonly struct KMid : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) => Ratio.Divide(close - open, open);
}

internal readonly struct KLen : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) => Ratio.Divide(high - low, open);
}

internal readonly struct KMid2 : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) => Ratio.Divide(close - open, KBarMath.Range(high, low));
}

internal readonly struct KUp : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) => Ratio.Divide(high - Math.Max(open, close), open);
}

internal readonly struct KUp2 : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) =>
        Ratio.Divide(high - Math.Max(open, close), KBarMath.Range(high, low));
}

internal readonly struct KLow : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) => Ratio.Divide(Math.Min(open, close) - low, open);
}

internal readonly struct KLow2 : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) =>
        Ratio.Divide(Math.Min(open, close) - low, KBarMath.Range(high, low));
}

internal readonly struct KSft : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) => Ratio.Divide(2 * close - high - low, open);
}

internal readonly struct KSft2 : IKBarTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(double open, double high, double low, double close) =>
        Ratio.Divide(2 * close - high - low, KBarMath.Range(high, low));
}
