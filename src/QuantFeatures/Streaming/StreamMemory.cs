using QuantFeatures.Kernels;

namespace QuantFeatures.Streaming;

/// <summary>
/// How much history a stream's state remembers, which is what lets a warm start skip the bars that cannot matter: a
/// stream created fresh and fed the last <see cref="Bars"/> bars of a history, starting at a bar index that is a whole
/// multiple of <see cref="Phase"/>, reaches exactly (bit for bit) the state and value it has after the whole history.
/// </summary>
/// <remarks>
/// <para>A windowed state forgets everything outside its window except the rounding of its running sums, and those are
/// recomputed exactly from the window at every multiple of the state's recomputation interval (counted in updates from
/// the first bar, in batch and streaming alike). Replayed from a multiple of that interval, the fresh state has the same
/// schedule: at the first recomputation after its window filled, or when the last NaN leaves its window, its sums become
/// the same function of the same window as the uninterrupted state's, and both evolve identically from then on.</para>
/// <para>Recursive states (EMA, Wilder smoothing, cumulative sums, compensated sums never recomputed, pivots and
/// event windows reached through time) remember everything: <see cref="Unbounded"/>, the default. A declaration is a
/// claim about the state's code, and a test replays every bounded stream both ways on long random frames.</para>
/// </remarks>
internal readonly record struct StreamMemory(int Phase, int Bars)
{
    /// <summary>The whole history matters (replayed from the first bar).</summary>
    public static StreamMemory Unbounded { get; } = new(1, int.MaxValue);

    /// <summary>No state at all: the value is a function of the bar (and of other features' values at it).</summary>
    public static StreamMemory None { get; } = new(1, 1);

    public bool IsBounded => Bars != int.MaxValue;

    /// <summary>The last <paramref name="bars"/> bars, with no recomputation schedule (ring buffers, exact windows).</summary>
    public static StreamMemory Last(int bars) => new(1, Math.Max(1, bars));

    /// <summary>A running window sum of <paramref name="period"/> values (<see cref="WindowSum"/>, <c>PairWindowSum</c>).</summary>
    public static StreamMemory Sum(int period) => Scheduled(period, Indicators.SumRecomputeInterval(period));

    /// <summary>A window on the moments schedule (8 windows, clamped to 64 … 1,024 updates: <c>MomentsWindow</c>,
    /// <c>CovarianceWindow</c>, <c>WindowSchedule</c>).</summary>
    public static StreamMemory Moments(int period) => Scheduled(period, Math.Clamp(8 * period, 64, Indicators.RecomputeInterval));

    /// <summary>A window of <paramref name="period"/> recomputed every <paramref name="interval"/> updates.</summary>
    public static StreamMemory Scheduled(int period, int interval) => new(interval, (2 * interval) + (2 * period) + 2);

    /// <summary>Both states (a stream holding several, or one reading another's window through its own).</summary>
    public StreamMemory And(StreamMemory other) =>
        !IsBounded || !other.IsBounded ? Unbounded : new(Lcm(Phase, other.Phase), Math.Max(Bars, other.Bars));

    /// <summary>This state fed by a chain in front of it that needs <paramref name="bars"/> more bars (e.g. an SMA of an SMA).</summary>
    public StreamMemory After(int bars) => IsBounded ? this with { Bars = Bars + bars } : this;

    /// <summary>The first bar to replay of a history of <paramref name="length"/> bars, at most <paramref name="latest"/>.</summary>
    public int Start(int length, int latest)
    {
        if (!IsBounded)
        {
            return 0;
        }

        long start = Math.Min((long)length - Bars, latest);
        return start <= 0 ? 0 : (int)(start / Phase * Phase);
    }

    private static int Lcm(int a, int b)
    {
        long l = (long)a / Gcd(a, b) * b;
        return l > int.MaxValue / 4 ? int.MaxValue / 4 : (int)l;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
