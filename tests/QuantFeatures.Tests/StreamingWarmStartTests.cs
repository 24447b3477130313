using QuantFeatures.Streaming;
using QuantFeatures.Tests.Properties;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The warm start replays each stream only from the bar its declared memory allows, and groups of streams on two threads.
/// Its reference is committing every bar one by one (which the streaming properties hold equal to the batch engine): on
/// long random frames with NaN holes, gaps, flat stretches and sparse sources, for every streamed feature at once, the
/// row after the warm start and every row of thousands of live bars after it are the same bit for bit.
/// </summary>
public class StreamingWarmStartTests
{
    public static TheoryData<int, string, int, double, bool, bool> Frames() => new()
    {
        // seed, timeframe, bars, NaN rate, degenerate (flat stretches, zero volume), funding history
        { 11, "1m", 30_011, 0.0, false, false },
        { 12, "1m", 26_623, 0.02, true, false },
        { 13, "5m", 21_503, 0.08, true, true },
        { 14, "15m", 17_400, 0.01, false, true },
        { 15, "1h", 15_873, 0.15, true, false },
        { 16, "1m", 13_000, 0.005, true, true },
        { 17, "1m", 24_000, 0.0003, false, false }, // a NaN every few thousand bars: long before a stream's replay starts
        { 18, "5m", 31_000, 0.001, true, false },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Warm_start_equals_committing_every_bar_and_so_does_every_later_bar(int seed, string timeframe, int length, double nanRate,
        bool degenerate, bool history)
    {
        var tf = Timeframe.Parse(timeframe);
        var full = RandomFrames.Build(new FrameCase(seed, length, tf, nanRate, degenerate, 3_000.0, 0, history));
        var frame = history ? full : full.WithFundingHistory(null);
        var names = FeatureCatalog.Default.AvailableFor(frame).Where(f => StreamCatalog.Has(f.Name)).Select(f => f.Name).ToArray();
        int cut = length - 7_000;
        var warm = StreamingFeatureEngine.WarmStart(frame.Slice(0, cut), names);

        var reference = CommitEveryBar(frame, names, cut);
        var bar = new StreamingBar();

        Assert.Equal(reference.BarCount, warm.BarCount);
        Assert.Equal(reference.LastOpenTime, warm.LastOpenTime);

        var expected = new double[names.Length];
        var actual = new double[names.Length];
        for (int t = cut - 1; t < frame.Length; t++)
        {
            if (t >= cut)
            {
                reference.Update(bar.Load(frame, t));
                warm.Update(bar);
            }

            reference.CopyLatest(expected);
            warm.CopyLatest(actual);
            Same(names, expected, actual, k => $"{names[k]} at bar {t} (warm start of {cut} bars, its stream replayed from bar {StartOf(warm, names[k])}): one by one {expected[k]:R}, warm {actual[k]:R}");
        }

        // The point of it: most streams skipped most of the history.
        Assert.True(warm.WarmStarts.Count(s => s > 0) >= names.Length / 2, $"only {warm.WarmStarts.Count(s => s > 0)} streams skipped history");
    }

    [Fact]
    public void A_large_warm_start_runs_on_two_threads_and_equals_one_thread()
    {
        var frame = RandomFrames.Build(new FrameCase(21, 40_000, Timeframe.Parse("1m"), 0.01, true, 300.0, 0)).WithFundingHistory(null);
        var names = FeatureCatalog.Default.AvailableFor(frame).Where(f => StreamCatalog.Has(f.Name)).Select(f => f.Name).ToArray();
        var parallel = StreamingFeatureEngine.WarmStart(frame, names);
        Assert.True(parallel.WarmParallel || Environment.ProcessorCount < 2);
        var sequential = CommitEveryBar(frame, names, frame.Length);

        var a = new double[names.Length];
        var b = new double[names.Length];
        parallel.CopyLatest(a);
        sequential.CopyLatest(b);
        Same(names, b, a, k => $"{names[k]}: two threads {a[k]:R}, one by one {b[k]:R}");
    }

    [Fact]
    public void A_warm_engine_snapshot_restores_into_a_fresh_engine_that_continues_as_committing_every_bar()
    {
        var frame = RandomFrames.Build(new FrameCase(31, 24_000, Timeframe.Parse("5m"), 0.01, true, 50.0, 0, History: true));
        var names = FeatureCatalog.Default.AvailableFor(frame).Where(f => StreamCatalog.Has(f.Name)).Select(f => f.Name).ToArray();
        int cut = 20_000;
        var warm = StreamingFeatureEngine.WarmStart(frame.Slice(0, cut), names);
        Assert.Contains(warm.WarmStarts, s => s > 0);
        var restored = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, names, fundingSettlements: true);
        restored.Restore(warm.Snapshot());

        var reference = CommitEveryBar(frame, names, cut);
        var bar = new StreamingBar();

        var expected = new double[names.Length];
        var actual = new double[names.Length];
        for (int t = cut; t < frame.Length; t++)
        {
            reference.Update(bar.Load(frame, t));
            restored.Update(bar);
            reference.CopyLatest(expected);
            restored.CopyLatest(actual);
            Same(names, expected, actual, k => $"{names[k]} at bar {t}: one by one {expected[k]:R}, restored warm engine {actual[k]:R}");
        }
    }

    [Fact]
    public void A_memory_gives_the_latest_aligned_start_that_leaves_enough_bars()
    {
        var sum = StreamMemory.Sum(20); // recomputed every 1,024 updates: 2 × 1,024 + 2 × 20 + 2 bars
        Assert.Equal(new StreamMemory(1024, 2_090), sum);
        Assert.Equal(7 * 1024, sum.Start(10_000, int.MaxValue)); // 10,000 − 2,090 = 7,910 → 7,168
        Assert.Equal(4 * 1024, sum.Start(10_000, 5_000)); // a reader needs it exact from bar 5,000 on
        Assert.Equal(0, sum.Start(2_000, int.MaxValue));
        Assert.Equal(0, sum.Start(10_000, -5));
        Assert.Equal(160, StreamMemory.Moments(20).Phase); // 8 windows
        Assert.Equal(1024, StreamMemory.Moments(500).Phase); // clamped
        Assert.Equal(5120, StreamMemory.Moments(20).And(sum).Phase); // lcm(160, 1,024)
        Assert.Equal(StreamMemory.Unbounded, sum.And(StreamMemory.Unbounded));
        Assert.Equal(0, StreamMemory.Unbounded.Start(1_000_000, int.MaxValue));
        Assert.Equal(999_999, StreamMemory.None.Start(1_000_000, int.MaxValue));
    }

    /// <summary>The reference: an engine configured as <see cref="StreamingFeatureEngine.WarmStart"/> configures it (the
    /// frame's funding history as settlements), committing the first <paramref name="bars"/> bars one by one.</summary>
    private static StreamingFeatureEngine CommitEveryBar(MarketFrame frame, string[] names, int bars)
    {
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, names, fundingSettlements: frame.FundingHistory is not null);
        if (frame.FundingHistory is { } h)
        {
            for (int i = 0; i < h.Count; i++)
            {
                engine.AddFundingSettlement(h.Time[i], h.Rate[i], h.IntervalHours[i], h.AvailableAt[i]);
            }
        }

        var bar = new StreamingBar();
        for (int t = 0; t < bars; t++)
        {
            engine.Update(bar.Load(frame, t));
        }

        return engine;
    }

    /// <summary>Every feature's value bit for bit (NaN equals NaN); <paramref name="message"/> names the first that differs.</summary>
    private static void Same(string[] names, double[] expected, double[] actual, Func<int, string> message)
    {
        for (int k = 0; k < names.Length; k++)
        {
            if (!expected[k].Equals(actual[k]))
            {
                Assert.Fail(message(k)); // the message is formatted only for a difference
            }
        }
    }

    private static int StartOf(StreamingFeatureEngine engine, string name) => engine.WarmStartOf(name);
}
