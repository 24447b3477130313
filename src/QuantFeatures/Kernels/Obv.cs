using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Obv"/>: 0 (TA-Lib's OBV lookback).</summary>
    public static int ObvLookback() => 0;

    /// <summary>
    /// On-balance volume, as TA-Lib <c>OBV</c>: starts at the first bar's volume, then adds V_t when C_t &gt; C_(t−1),
    /// subtracts it when C_t &lt; C_(t−1), and carries the total when the close is unchanged.
    /// </summary>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback 0. The arithmetic is TA-Lib's (one addition or subtraction of the volume per bar), so the values
    /// equal TA-Lib's bit for bit on clean data.</para>
    /// <para>NaN rule (a cumulative feature): a bar whose close or volume is NaN outputs NaN and contributes nothing;
    /// the total and the reference close continue from the last valid bar (the next valid close is compared with the
    /// last valid close). Before the first valid bar the output is NaN; the first valid bar starts the total at its
    /// volume, as TA-Lib does at its first bar. Bit-identical to looping <see cref="ObvState.Update"/>.</para>
    /// </remarks>
    public static void Obv(ReadOnlySpan<double> close, ReadOnlySpan<double> volume, Span<double> destination)
    {
        Internal.Guard.SameLength(close.Length, volume.Length, nameof(volume));
        CheckDestination(close.Length, destination);
        var state = new ObvState();
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double v = ref MemoryMarshal.GetReference(volume);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = close.Length;
        int i = 0;
        while (i < n)
        {
            if (state.IsStarted)
            {
                // Steady state on locals: exactly ObvState.Update on valid bars, until a NaN needs the careful path.
                double obv = state.Value, previous = state.PreviousClose;
                for (; i < n; i++)
                {
                    double cl = Unsafe.Add(ref c, i), vol = Unsafe.Add(ref v, i);
                    if (double.IsNaN(cl + vol))
                    {
                        break;
                    }

                    obv = ObvState.Step(obv, cl, previous, vol);
                    previous = cl;
                    Unsafe.Add(ref d, i) = obv;
                }

                state.Continue(obv, previous);
                if (i == n)
                {
                    break;
                }
            }

            Unsafe.Add(ref d, i) = state.Update(Unsafe.Add(ref c, i), Unsafe.Add(ref v, i));
            i++;
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Obv"/> (TA-Lib OBV; NaN bars skipped, the total carried).</summary>
public struct ObvState
{
    private double _obv;
    private double _previousClose;
    private bool _started;

    internal readonly bool IsStarted => _started;

    internal readonly double Value => _obv;

    internal readonly double PreviousClose => _previousClose;

    /// <summary>
    /// TA-Lib's step: <c>obv + V</c> when the close rose, <c>obv − V</c> when it fell, else <c>obv</c>. Evaluated without
    /// branches as <c>obv + sign · V</c> with sign ∈ {−1, 0, +1}: ±1 · V is exact and adding 0 leaves obv unchanged, so
    /// the result is TA-Lib's bit for bit, without the mispredicted branches of a random up/down sequence.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Step(double obv, double close, double previousClose, double volume)
    {
        int sign = (close > previousClose ? 1 : 0) - (close < previousClose ? 1 : 0);
        return obv + (sign * volume);
    }

    internal void Continue(double obv, double previousClose)
    {
        _obv = obv;
        _previousClose = previousClose;
    }

    /// <summary>Adds the next bar and returns the OBV (NaN for a bar whose close or volume is NaN, which changes nothing).</summary>
    public double Update(double close, double volume)
    {
        if (double.IsNaN(close + volume))
        {
            return double.NaN;
        }

        _obv = _started ? Step(_obv, close, _previousClose, volume) : volume;
        _previousClose = close;
        _started = true;
        return _obv;
    }
}
