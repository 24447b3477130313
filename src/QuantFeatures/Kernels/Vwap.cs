using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>Leading NaN count of <see cref="Vwap"/>: <c>period − 1</c>.</summary>
    public static int VwapLookback(int period = 20) => RollingSumRatioLookback(period);

    /// <summary>Rolling volume-weighted average price: <c>Σ(TP · V) / ΣV</c> over the last <paramref name="period"/> bars,
    /// TP = (H + L + C) / 3.</summary>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="period">Window length in bars (≥ 1).</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>Lookback <c>period − 1</c>. NaN while the window holds a bar with a NaN input, and NaN when the window's
    /// volume is 0. Sums as <see cref="RollingSumRatio"/> (exact recomputation every 1,024 bars). Bit-identical to
    /// looping <see cref="VwapState.Update"/>.</remarks>
    public static void Vwap(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume,
        int period, Span<double> destination)
    {
        Guard.Period(period);
        CheckHlcv(high, low, close, volume, destination);
        int n = high.Length;
        var pv = Scratch.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                pv[i] = VwapState.TypicalPrice(high[i], low[i], close[i]) * volume[i];
            }

            RollingSumRatio(pv.AsSpan(0, n), volume, period, destination);
        }
        finally
        {
            Scratch.Return(pv);
        }
    }

    /// <summary>Leading NaN count of <see cref="VwapSession"/>: 0.</summary>
    public static int VwapSessionLookback() => 0;

    /// <summary>
    /// Session VWAP: <c>Σ(TP · V) / ΣV</c> cumulated from the first bar whose open time falls in the current UTC day,
    /// restarted at every 00:00 UTC; TP = (H + L + C) / 3.
    /// </summary>
    /// <param name="time">Bar open times, Unix milliseconds UTC.</param>
    /// <param name="high">High prices.</param>
    /// <param name="low">Low prices.</param>
    /// <param name="close">Close prices.</param>
    /// <param name="volume">Volumes.</param>
    /// <param name="destination">Output, at least as long as the inputs.</param>
    /// <remarks>
    /// <para>Lookback 0: the first bar of a session gives its own TP (when its volume is not 0). The session of a bar is
    /// the UTC day of its open time, so on bars longer than a day every bar is its own session.</para>
    /// <para>NaN rule: a bar with a NaN input outputs NaN and adds nothing; the session continues with the next valid
    /// bar. NaN while the session's volume is 0. Bit-identical to looping <see cref="VwapSessionState.Update"/>.</para>
    /// </remarks>
    public static void VwapSession(ReadOnlySpan<long> time, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        ReadOnlySpan<double> volume, Span<double> destination)
    {
        CheckHlcv(high, low, close, volume, destination);
        if (time.Length != high.Length)
        {
            throw new ArgumentException($"Input 'time' has {time.Length} values but the price inputs have {high.Length} (inputs of different lengths).", nameof(time));
        }

        var state = new VwapSessionState();
        ref long t = ref MemoryMarshal.GetReference(time);
        ref double h = ref MemoryMarshal.GetReference(high);
        ref double l = ref MemoryMarshal.GetReference(low);
        ref double c = ref MemoryMarshal.GetReference(close);
        ref double v = ref MemoryMarshal.GetReference(volume);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = high.Length;
        int i = 0;
        while (i < n)
        {
            // Within a session, on locals: exactly VwapSessionState.Update.
            state.Begin(Unsafe.Add(ref t, i));
            long start = state.SessionStart;
            double pv = state.PriceVolume, vol = state.Volume;
            for (; i < n; i++)
            {
                long openTime = Unsafe.Add(ref t, i);
                if (!VwapSessionState.InSession(openTime, start))
                {
                    break;
                }

                double x = VwapState.TypicalPrice(Unsafe.Add(ref h, i), Unsafe.Add(ref l, i), Unsafe.Add(ref c, i)) * Unsafe.Add(ref v, i);
                if (double.IsNaN(x))
                {
                    Unsafe.Add(ref d, i) = double.NaN;
                    continue;
                }

                pv += x;
                vol += Unsafe.Add(ref v, i);
                Unsafe.Add(ref d, i) = VwapSessionState.Quotient(pv, vol);
            }

            state.Continue(pv, vol);
        }
    }
}

/// <summary>Incremental state of <see cref="Indicators.Vwap"/>.</summary>
/// <remarks>A state owns ring buffers: do not copy a state value and use both copies.</remarks>
public struct VwapState
{
    private RollingSumRatioState _ratio;

    /// <summary>Creates the state for a window of <paramref name="period"/> bars.</summary>
    public VwapState(int period = 20) => _ratio = new RollingSumRatioState(period);

    /// <summary>The typical price <c>(H + L + C) / 3</c> (TA-Lib's TYPPRICE arithmetic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TypicalPrice(double high, double low, double close) => (high + low + close) / 3.0;

    /// <summary>Adds the next bar and returns the VWAP of the window (NaN until full, while it holds a NaN bar, or when its volume is 0).</summary>
    public double Update(double high, double low, double close, double volume) =>
        _ratio.Update(TypicalPrice(high, low, close) * volume, volume);
}

/// <summary>Incremental state of <see cref="Indicators.VwapSession"/> (VWAP restarted at 00:00 UTC).</summary>
public struct VwapSessionState
{
    private const long DayMs = 86_400_000;
    private long _sessionStart;
    private bool _started;
    private double _priceVolume;
    private double _volume;

    internal readonly long SessionStart => _sessionStart;

    internal readonly double PriceVolume => _priceVolume;

    internal readonly double Volume => _volume;

    /// <summary>Σ(TP·V) / ΣV; NaN while the session's volume is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Quotient(double priceVolume, double volume) => volume != 0 ? Ratio.Divide(priceVolume, volume) : double.NaN;

    /// <summary>Whether <paramref name="openTime"/> falls in the UTC day starting at <paramref name="sessionStart"/> (overflow-safe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool InSession(long openTime, long sessionStart) => (ulong)(openTime - sessionStart) < DayMs;

    /// <summary>Moves to the session of <paramref name="openTime"/> when it is not the current one.</summary>
    internal void Begin(long openTime)
    {
        if (!_started || !InSession(openTime, _sessionStart))
        {
            StartSession(openTime);
        }
    }

    internal void Continue(double priceVolume, double volume)
    {
        _priceVolume = priceVolume;
        _volume = volume;
    }

    /// <summary>Adds the next bar (its open time in Unix ms UTC) and returns the session VWAP (NaN for a NaN bar or while the session's volume is 0).</summary>
    public double Update(long openTime, double high, double low, double close, double volume)
    {
        Begin(openTime);
        double pv = VwapState.TypicalPrice(high, low, close) * volume;
        if (double.IsNaN(pv))
        {
            return double.NaN;
        }

        _priceVolume += pv;
        _volume += volume;
        return Quotient(_priceVolume, _volume);
    }

    private void StartSession(long openTime)
    {
        long day = openTime >= 0 ? openTime / DayMs : ((openTime + 1) / DayMs) - 1;
        _sessionStart = day * DayMs;
        _started = true;
        _priceVolume = 0;
        _volume = 0;
    }
}
