using FsCheck;
using FsCheck.Fluent;
using QuantFeatures.Streaming;
using Xunit;

namespace QuantFeatures.Tests.Properties;

/// <summary>
/// The streaming engine against the batch engine, for every feature that has a stream, on random frames with NaN holes,
/// gaps, flat stretches and sparse sources: bar-by-bar values equal the batch column bit for bit; snapshot → restore →
/// continue equals an uninterrupted run; previews of a forming bar never change the committed result and equal what
/// committing that bar would give.
/// </summary>
public class StreamingPropertyTests
{
    private const int Cases = 60;
    private static readonly FeatureEngineer Engine = new();

    public static TheoryData<string> StreamedFeatures()
    {
        var data = new TheoryData<string>();
        foreach (var f in FeatureCatalog.Default.Features.Where(f => StreamCatalog.Has(f.Name)))
        {
            data.Add(f.Name);
        }

        return data;
    }

    private static void Check(string name, Action<FeatureDefinition, FrameCase> body)
    {
        var def = FeatureCatalog.Default.Get(name);
        var property = Prop.ForAll(RandomFrames.Cases(def, holes: true, degenerate: true), c => body(def, c));
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true), property);
    }

    /// <summary>A random frame as the streaming engine sees it: the bars' columns (event-time funding rebuilt from them).</summary>
    private static MarketFrame Frame(FrameCase c) => RandomFrames.Build(c).WithFundingHistory(null);

    private static double[] Stream(StreamingFeatureEngine engine, MarketFrame frame, int from, int to)
    {
        var bar = new StreamingBar();
        var row = new double[1];
        var values = new double[to - from];
        for (int t = from; t < to; t++)
        {
            engine.Update(bar.Load(frame, t));
            engine.CopyLatest(row);
            values[t - from] = row[0];
        }

        return values;
    }

    private static void Same(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, int offset, string what)
    {
        for (int t = 0; t < actual.Length; t++)
        {
            Assert.True(expected[t + offset].Equals(actual[t]), $"{what}[{t + offset}]: batch {expected[t + offset]:R}, stream {actual[t]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(StreamedFeatures))]
    public void Stream_equals_batch_bit_for_bit(string name) => Check(name, (def, c) =>
    {
        var frame = Frame(c);
        var batch = Engine.Compute(frame, def.Name)[0];
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, [def.Name]);
        Same(batch, Stream(engine, frame, 0, frame.Length), 0, $"{def.Name} ({c})");
    });

    [Theory]
    [MemberData(nameof(StreamedFeatures))]
    public void Random_chunks_through_fresh_engines_restored_from_snapshots_equal_batch(string name) => Check(name, (def, c) =>
    {
        // The frame in random chunks: each chunk is committed by a new engine restored from the previous one's snapshot.
        var frame = Frame(c);
        var batch = Engine.Compute(frame, def.Name)[0].ToArray();
        var rnd = new Random(c.Seed ^ 0x2545F491);
        byte[]? snapshot = null;
        for (int start = 0; start < frame.Length;)
        {
            int length = Math.Min(frame.Length - start, 1 + rnd.Next(Math.Max(1, frame.Length / 3)));
            var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, [def.Name]);
            if (snapshot is not null)
            {
                engine.Restore(snapshot);
            }

            var chunk = engine.Replay(frame.Slice(start, length));
            Same(batch, chunk[0], start, $"{def.Name} chunk at {start} ({c})");
            snapshot = engine.Snapshot();
            start += length;
        }
    });

    [Theory]
    [MemberData(nameof(StreamedFeatures))]
    public void Snapshot_restore_continue_equals_an_uninterrupted_run(string name) => Check(name, (def, c) =>
    {
        var frame = Frame(c);
        var batch = Engine.Compute(frame, def.Name)[0].ToArray();
        int cut = Math.Min(c.Cut, frame.Length);
        var first = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, [def.Name]);
        Stream(first, frame, 0, cut);
        var snapshot = first.Snapshot();
        var second = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, [def.Name]);
        second.Restore(snapshot);
        Same(batch, Stream(second, frame, cut, frame.Length), cut, $"{def.Name} after restore at {cut} ({c})");
    });

    [Theory]
    [MemberData(nameof(StreamedFeatures))]
    public void Previews_never_change_the_committed_result(string name) => Check(name, (def, c) =>
    {
        var frame = Frame(c);
        var batch = Engine.Compute(frame, def.Name)[0].ToArray();
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, [def.Name]);
        var bar = new StreamingBar();
        var forming = new StreamingBar();
        var row = new double[1];
        var preview = new double[1];
        var rnd = new Random(c.Seed);
        for (int t = 0; t < frame.Length; t++)
        {
            if (rnd.NextDouble() < 0.3)
            {
                // The forming bar: the real one with a moved close and volume, previewed once or twice.
                forming.Load(frame, t);
                forming[MarketColumn.Close] *= 1 + (0.01 * (rnd.NextDouble() - 0.5));
                forming[MarketColumn.Volume] *= rnd.NextDouble();
                engine.Preview(forming, preview);
                engine.Preview(bar.Load(frame, t), preview); // previewing the real bar gives its committed value
                Assert.True(batch[t].Equals(preview[0]), $"{def.Name}[{t}]: preview {preview[0]:R}, batch {batch[t]:R} ({c})");
            }

            engine.Update(bar.Load(frame, t));
            engine.CopyLatest(row);
            Assert.True(batch[t].Equals(row[0]), $"{def.Name}[{t}]: {row[0]:R} after previews, batch {batch[t]:R} ({c})");
        }
    });
}

/// <summary>The event-time funding features fed with the frame's funding history as settlements, against batch on the same frame.</summary>
public class StreamingSettlementPropertyTests
{
    private static readonly FeatureEngineer Engine = new();

    public static TheoryData<string> EventTimeFeatures() =>
        ["funding_rate_change", "cumulative_funding_7d", "funding_zscore_30d", "funding_percentile_252d", "funding_extreme_positive", "funding_extreme_negative"];

    [Theory]
    [MemberData(nameof(EventTimeFeatures))]
    public void Stream_with_settlements_equals_batch_on_frames_with_a_funding_history(string name)
    {
        var def = FeatureCatalog.Default.Get(name);
        int withHistory = 0;
        var property = Prop.ForAll(RandomFrames.Cases(def, holes: true, degenerate: true), c =>
        {
            var frame = RandomFrames.Build(c);
            if (frame.FundingHistory is null)
            {
                return;
            }

            withHistory++;
            var batch = Engine.Compute(frame, name)[0].ToArray();
            var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, [name], fundingSettlements: true);
            var h = frame.FundingHistory;
            for (int i = 0; i < h.Count; i++)
            {
                engine.AddFundingSettlement(h.Time[i], h.Rate[i], h.IntervalHours[i], h.AvailableAt[i]);
            }

            var bar = new StreamingBar();
            var row = new double[1];
            for (int t = 0; t < frame.Length; t++)
            {
                engine.Update(bar.Load(frame, t));
                engine.CopyLatest(row);
                Assert.True(batch[t].Equals(row[0]), $"{name}[{t}]: batch {batch[t]:R}, stream {row[0]:R} ({c})");
            }
        });
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(120).WithQuietOnSuccess(true), property);
        Assert.True(withHistory > 10, $"only {withHistory} cases had a funding history");
    }
}
