using QuantFeatures.Data;
using QuantFeatures.Streaming;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// The streaming engine's contract beyond the per-feature properties: bar order, warm start, snapshot format checks, the
/// one-row matrix; and the streaming aligner against <see cref="MarketDataLoader"/> on a synthetic market.
/// </summary>
public class StreamingTests
{
    private static readonly string[] Some = ["oi_change_1", "funding_rate", "cumulative_funding_7d", "liq_zscore_24h", "ls_ratio_percentile_30d"];

    private static (SyntheticMarket Market, MarketFrame Frame) Loaded(Timeframe tf, int bars, ulong seed)
    {
        var m = SyntheticMarket.Generate("X", tf, bars, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), seed);
        var loader = new MarketDataLoader(new InMemoryKlineSource().Add("X", m.Klines, tf))
            .WithFunding(new InMemorySource<FundingSettlement>().Add("X", m.Funding))
            .WithOpenInterest(new InMemorySource<OpenInterestSnapshot>().Add("X", m.OpenInterest))
            .WithPositioning(new InMemorySource<PositioningSnapshot>().Add("X", m.Positioning))
            .WithLiquidations(new InMemorySource<LiquidationEvent>().Add("X", m.Liquidations))
            .WithReferencePrices(new InMemorySource<ReferencePrice>().Add("X", m.MarkPrices.Concat(m.IndexPrices)));
        return (m, loader.LoadAsync("X", tf, TimeRange.All).GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData("1h", 3000, 1UL)]
    [InlineData("5m", 6000, 2UL)]
    [InlineData("15m", 4000, 3UL)]
    public void The_aligner_fills_each_bar_exactly_as_the_loader_fills_the_frame(string timeframe, int bars, ulong seed)
    {
        var tf = Timeframe.Parse(timeframe);
        var (m, frame) = Loaded(tf, bars, seed);
        var aligner = new StreamingAligner(tf);
        var columns = new HashSet<MarketColumn>(frame.Columns);
        var rnd = new Random((int)seed);
        // Records arrive in a shuffled order within each bar (and the liquidation archive's duplicates twice).
        var arrivals = m.Funding.Select(r => (r.Time, (Action)(() => aligner.Add(r))))
            .Concat(m.OpenInterest.Select(r => (r.Time, (Action)(() => aligner.Add(r)))))
            .Concat(m.Positioning.Select(r => (r.Time, (Action)(() => aligner.Add(r)))))
            .Concat(m.MarkPrices.Concat(m.IndexPrices).Select(r => (r.Time, (Action)(() => aligner.Add(r)))))
            .Concat(m.Liquidations.Select(r => (r.Time, (Action)(() => aligner.Add(r)))))
            .OrderBy(a => a.Time).ThenBy(_ => rnd.Next()).ToArray();
        int next = 0;
        var bar = new StreamingBar();
        var sparse = frame.Columns.Where(c => c > MarketColumn.TakerBuyQuoteVolume && !c.IsIntrabar()).ToArray(); // the loader's sparse columns
        Assert.Contains(MarketColumn.FundingTime, sparse);
        Assert.Contains(MarketColumn.LiquidationCount, sparse);
        for (int t = 0; t < frame.Length; t++)
        {
            long decision = frame.DecisionTime(t);
            while (next < arrivals.Length && arrivals[next].Time <= decision + 1000)
            {
                arrivals[next++].Item2();
            }

            bar.Clear();
            bar.OpenTime = frame.Time[t];
            aligner.Close(bar, columns);
            foreach (var c in sparse)
            {
                Assert.True(frame[c][t].Equals(bar[c]), $"{c.Name()}[{t}]: loader {frame[c][t]:R}, aligner {bar[c]:R}");
            }
        }

        Assert.Equal(0, aligner.LateEvents);
    }

    [Fact]
    public void A_liquidation_event_for_a_closed_bar_is_counted_late_and_dropped()
    {
        var aligner = new StreamingAligner(Timeframe.OneHour);
        var columns = new HashSet<MarketColumn> { MarketColumn.LongLiquidationNotional, MarketColumn.ShortLiquidationNotional, MarketColumn.LiquidationCount };
        var bar = new StreamingBar { OpenTime = 0 };
        aligner.Add(new LiquidationEvent(10, LiquidationSide.Long, 100, 2));
        aligner.Close(bar, columns);
        Assert.Equal(200, bar[MarketColumn.LongLiquidationNotional]);
        aligner.Add(new LiquidationEvent(20, LiquidationSide.Short, 100, 1)); // belongs to the bar just closed
        bar.Clear();
        bar.OpenTime = 3_600_000;
        aligner.Close(bar, columns);
        Assert.Equal(0, bar[MarketColumn.ShortLiquidationNotional]);
        Assert.Equal(1, aligner.LateEvents);
    }

    [Fact]
    public void Late_duplicate_and_out_of_order_bars_are_rejected_and_change_nothing()
    {
        var (_, frame) = Loaded(Timeframe.OneHour, 400, 5);
        var bare = frame.WithFundingHistory(null);
        var engine = StreamingFeatureEngine.WarmStart(bare.Slice(0, 300), Some);
        var before = engine.Snapshot();
        var bar = new StreamingBar().Load(bare, 299);
        var ex = Assert.Throws<InvalidOperationException>(() => engine.Update(bar));
        Assert.Contains("duplicate", ex.Message, StringComparison.Ordinal);
        bar.Load(bare, 10);
        ex = Assert.Throws<InvalidOperationException>(() => engine.Update(bar));
        Assert.Contains("earlier than", ex.Message, StringComparison.Ordinal);
        bar.Load(bare, 300);
        bar.OpenTime -= 1;
        Assert.Throws<InvalidOperationException>(() => engine.Preview(bar, new double[Some.Length]));
        Assert.Equal(before, engine.Snapshot());
        Assert.Equal(300, engine.BarCount);
    }

    [Fact]
    public void A_reused_bar_loads_exactly_what_a_fresh_bar_loads_across_frames_and_hand_set_values()
    {
        var (_, full) = Loaded(Timeframe.OneHour, 150, 7);
        var f = full.ColumnArrays;
        double[] Col(MarketColumn c) => f[(int)c]!;
        var bare = MarketFrame.Create(Timeframe.OneHour, full.Time, Col(MarketColumn.Open), Col(MarketColumn.High), Col(MarketColumn.Low),
            Col(MarketColumn.Close), []);
        var reused = new StreamingBar();
        void Same(MarketFrame frame, int index)
        {
            reused.Load(frame, index);
            var fresh = new StreamingBar().Load(frame, index);
            Assert.Equal(fresh.OpenTime, reused.OpenTime);
            foreach (var c in MarketColumns.All)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(fresh[c]), BitConverter.DoubleToInt64Bits(reused[c]));
            }
        }

        Same(full, 3);
        Same(full, 4);
        Same(bare, 4); // fewer columns: those the full frame filled are NaN again
        Same(full, 5);
        reused[MarketColumn.IntrabarVwap] = 1.5; // a column neither frame has, set by hand
        reused[MarketColumn.Close] = -1;
        Same(full, 6);
        reused.Clear();
        Same(full, 6);
        Same(full.Slice(0, 10), 6); // another frame object with the same columns
        Assert.False(double.IsNaN(reused[MarketColumn.Volume]));
        Same(bare, 7);
        Assert.True(double.IsNaN(reused[MarketColumn.Volume]));

        // Read in order, the bar reads ahead in blocks (64 bars): across block ends, to the frame's last bar (150 is not a
        // multiple of the block), after jumps back and forth, after a hand-set value, and from a frame with fewer columns in
        // between.
        for (int t = 0; t < full.Length; t++)
        {
            Same(full, t);
        }

        foreach (int t in (ReadOnlySpan<int>)[20, 21, 22, 5, 6, 40, 41, 41, 42, 3, 49, 0, 1, 2, 17, 18, 62, 63, 64, 65, 127, 128, 129, 149, 100, 101])
        {
            Same(full, t);
        }

        Same(full, 30);
        reused[MarketColumn.Close] = -1;
        Same(full, 31);
        Same(full, 32);
        Same(bare, 33);
        Same(full, 34);
        Same(full, 35);

        // Another frame with other values, in order too, taken turns with this one: no bar is served from the other's block.
        var (_, other) = Loaded(Timeframe.OneHour, 150, 8);
        for (int t = 70; t < 90; t++)
        {
            Same(other, t);
            Same(other, t + 1);
            Same(full, t + 2);
            Same(full, t + 3);
        }
    }

    [Fact]
    public void The_funding_schedule_follows_every_change_of_the_interval_or_the_settlement_time()
    {
        // The interval changes between settlements (and goes missing), the settlement time goes missing and comes back:
        // the streamed minutes to funding and annualized rate equal batch at every bar.
        var (_, loaded) = Loaded(Timeframe.OneHour, 600, 11);
        var frame = loaded.WithFundingHistory(null);
        var interval = new double[frame.Length];
        var time = frame[MarketColumn.FundingTime].ToArray();
        for (int t = 0; t < frame.Length; t++)
        {
            interval[t] = (t / 7 % 5) switch { 0 => 8, 1 => 4, 2 => double.NaN, 3 => 4, _ => 1 };
            if (t % 53 < 3)
            {
                time[t] = double.NaN;
            }
        }

        frame = frame.With(MarketColumn.FundingIntervalHours, interval).With(MarketColumn.FundingTime, time);
        string[] names = ["minutes_to_funding", "funding_annualized"];
        var batch = new FeatureEngineer().Compute(frame, names);
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, names);
        var bar = new StreamingBar();
        var row = new double[names.Length];
        int known = 0;
        for (int t = 0; t < frame.Length; t++)
        {
            engine.Update(bar.Load(frame, t));
            engine.CopyLatest(row);
            known += double.IsNaN(row[0]) ? 0 : 1;
            for (int k = 0; k < names.Length; k++)
            {
                Assert.True(batch[names[k]][t].Equals(row[k]), $"{names[k]}[{t}]: batch {batch[names[k]][t]:R}, stream {row[k]:R}");
            }
        }

        Assert.True(known > frame.Length / 2, $"{known} bars with a known schedule");
    }

    [Fact]
    public void Warm_start_then_live_bars_equal_the_batch_engine_on_the_whole_frame()
    {
        var (_, frame) = Loaded(Timeframe.Parse("5m"), 12_000, 6);
        var bare = frame.WithFundingHistory(null);
        var names = FeatureCatalog.Default.AvailableFor(bare).Where(f => StreamCatalog.Has(f.Name)).Select(f => f.Name).ToArray();
        Assert.True(names.Length >= 50, $"{names.Length} streamed features");
        var batch = new FeatureEngineer().Compute(bare, names);
        var engine = StreamingFeatureEngine.WarmStart(bare.Slice(0, 9_000), names);
        var bar = new StreamingBar();
        var row = new double[names.Length];
        for (int t = 9_000; t < bare.Length; t++)
        {
            engine.Update(bar.Load(bare, t));
            engine.CopyLatest(row);
            for (int k = 0; k < names.Length; k++)
            {
                Assert.True(batch[names[k]][t].Equals(row[k]), $"{names[k]}[{t}]: batch {batch[names[k]][t]:R}, stream {row[k]:R}");
            }
        }

        var latest = engine.Latest();
        Assert.Equal(1, latest.RowCount);
        Assert.Equal(bare.Time[^1], latest.Time[0]);
        Assert.Equal(names, latest.Names);
    }

    [Fact]
    public void A_selection_in_any_order_or_part_reads_each_feature_at_its_own_place()
    {
        // The engine keeps values at catalogue positions and copies the row run by run: the catalogue reversed (every run a
        // lone value), a shuffled part of it (fused steps with members left out, features whose dependencies are not
        // asked for), and the catalogue order (one run) each give every feature's batch value in its own column.
        var (_, frame) = Loaded(Timeframe.Parse("5m"), 3_000, 7);
        var bare = frame.WithFundingHistory(null);
        var all = FeatureCatalog.Default.AvailableFor(bare).Where(f => StreamCatalog.Has(f.Name)).Select(f => f.Name).ToArray();
        var rnd = new Random(11);
        string[][] selections =
        [
            [.. all.Reverse()],
            [.. all.Where((_, i) => i % 3 != 1).OrderBy(_ => rnd.Next())],
            ["quality_score", "kmid", "sma_200", "return_1", "ls_ratio_percentile_30d", "oi_volume_divergence_20"],
            all,
        ];
        var batch = new FeatureEngineer().Compute(bare, all);
        foreach (var names in selections)
        {
            var engine = new StreamingFeatureEngine(bare.Timeframe, bare.Columns, names);
            var bar = new StreamingBar();
            var row = new double[names.Length];
            for (int t = 0; t < bare.Length; t++)
            {
                engine.Update(bar.Load(bare, t));
                engine.CopyLatest(row);
                for (int k = 0; k < names.Length; k++)
                {
                    Assert.True(batch[names[k]][t].Equals(row[k]), $"{names[k]}[{t}] of {names.Length}: batch {batch[names[k]][t]:R}, stream {row[k]:R}");
                }
            }
        }
    }

    [Fact]
    public void A_snapshot_is_refused_by_an_engine_of_another_configuration()
    {
        var (_, frame) = Loaded(Timeframe.OneHour, 200, 7);
        var bare = frame.WithFundingHistory(null);
        var snapshot = StreamingFeatureEngine.WarmStart(bare, Some).Snapshot();
        var other = new StreamingFeatureEngine(bare.Timeframe, bare.Columns, Some.Take(3));
        Assert.Throws<InvalidDataException>(() => other.Restore(snapshot));
        var otherTimeframe = new StreamingFeatureEngine(Timeframe.Parse("15m"), bare.Columns, Some);
        Assert.Throws<InvalidDataException>(() => otherTimeframe.Restore(snapshot));
        var bad = (byte[])snapshot.Clone();
        bad[0] ^= 0xFF;
        var same = new StreamingFeatureEngine(bare.Timeframe, bare.Columns, Some);
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => same.Restore(bad)).Message, StringComparison.Ordinal);
        same.Restore(snapshot);
        Assert.Equal(200, same.BarCount);
    }

    [Fact]
    public void Unknown_unavailable_and_input_less_features_are_refused_by_name()
    {
        var columns = new[] { MarketColumn.Volume };
        Assert.Contains("nope", Assert.Throws<ArgumentException>(() => new StreamingFeatureEngine(Timeframe.OneHour, columns, ["nope"])).Message,
            StringComparison.Ordinal);
        Assert.Contains("open_interest", Assert.Throws<ArgumentException>(() => new StreamingFeatureEngine(Timeframe.OneHour, columns, ["oi_change_1"])).Message,
            StringComparison.Ordinal);
        var funding = new[] { MarketColumn.FundingRate, MarketColumn.FundingTime, MarketColumn.FundingIntervalHours };
        Assert.Contains("timeframe", Assert.Throws<ArgumentException>(() => new StreamingFeatureEngine(Timeframe.Parse("4h"), funding, ["cumulative_funding_7d"])).Message,
            StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() =>
            new StreamingFeatureEngine(Timeframe.OneHour, [MarketColumn.OpenInterest], ["oi_change_1"]).CopyLatest(new double[1]));
    }

    /// <summary>
    /// Fused steps compute a group of features in one call and write each member's value to its own place: at every
    /// timeframe from 1m to 1w (including ones where some members of a step are not offered), the engine of every offered
    /// feature and each feature's engine alone give, bar by bar, the batch engine's values.
    /// </summary>
    [Theory]
    [InlineData("1m")]
    [InlineData("3m")]
    [InlineData("30m")]
    [InlineData("2h")]
    [InlineData("8h")]
    [InlineData("1d")]
    [InlineData("3d")]
    [InlineData("1w")]
    public void Every_feature_alone_and_among_all_equals_batch_at_every_timeframe(string timeframe)
    {
        var tf = Timeframe.Parse(timeframe);
        var frame = Properties.RandomFrames.Build(new Properties.FrameCase(17, 300, tf, 0.03, Degenerate: false, 30_000, Cut: 0))
            .WithFundingHistory(null);
        var names = FeatureCatalog.Default.Features
            .Where(f => StreamCatalog.Has(f.Name) && f.UnavailableReason(tf) is null && f.Inputs.All(frame.Columns.Contains)).Select(f => f.Name).ToArray();
        Assert.NotEmpty(names);
        var batch = new FeatureEngineer().Compute(frame, names);
        var all = new StreamingFeatureEngine(tf, frame.Columns, names).Replay(frame);
        foreach (var (name, k) in names.Select((n, k) => (n, k)))
        {
            var alone = new StreamingFeatureEngine(tf, frame.Columns, [name]).Replay(frame)[0].ToArray();
            var expected = batch[k].ToArray();
            for (int t = 0; t < frame.Length; t++)
            {
                Assert.True(expected[t].Equals(all[k][t]), $"{name}[{t}] at {tf}: batch {expected[t]:R}, among all {all[k][t]:R}");
                Assert.True(expected[t].Equals(alone[t]), $"{name}[{t}] at {tf}: batch {expected[t]:R}, alone {alone[t]:R}");
            }
        }
    }
}

/// <summary>The streaming catalogue covers the whole feature catalogue.</summary>
public class StreamCatalogTests
{
    [Fact]
    public void Every_catalogue_feature_has_a_stream() =>
        Assert.Empty(FeatureCatalog.Default.Features.Where(f => !StreamCatalog.Has(f.Name)).Select(f => f.Name));
}

/// <summary>The streaming resampler against <see cref="Resampler"/>, and its bars through the streaming engine's
/// microstructure features against the batch features of the resampled frame.</summary>
public class StreamingResamplerTests
{
    private static MarketFrame WithHoles(MarketFrame frame, int seed)
    {
        // Drop some minutes (incomplete hours inside the range) and put NaN in some closes and volumes.
        var rnd = new Random(seed);
        var keep = Enumerable.Range(0, frame.Length).Where(_ => rnd.NextDouble() > 0.01).ToArray();
        var b = new MarketFrameBuilder(frame.Timeframe).WithTime(keep.Select(i => frame.Time[i]).ToArray());
        foreach (var c in frame.Columns)
        {
            var src = frame[c].ToArray();
            b.WithColumn(c, keep.Select(i => (c is MarketColumn.Close or MarketColumn.Volume) && rnd.NextDouble() < 0.002 ? double.NaN : src[i]).ToArray());
        }

        return b.Build();
    }

    public static TheoryData<string, string, IncompleteBarPolicy> Cases() => new()
    {
        { "LAYERUSDT", "1h", IncompleteBarPolicy.DropEdges },
        { "BTCUSDT", "15m", IncompleteBarPolicy.DropEdges },
        { "ETHUSDT", "1h", IncompleteBarPolicy.DropAll },
        { "XMRUSDT", "4h", IncompleteBarPolicy.KeepAll },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Emitted_bars_equal_the_batch_resampler(string symbol, string target, IncompleteBarPolicy policy)
    {
        var minutes = WithHoles(Support.TestData.LoadBinanceMinutes(symbol).Slice(37, 20_000), symbol.Length);
        var tf = Timeframe.Parse(target);
        var options = new ResampleOptions { IncompleteBars = policy };
        var batch = Resampler.Resample(minutes, tf, options);
        var resampler = new StreamingResampler(minutes.Timeframe, tf, minutes.Columns, options);
        var sub = new StreamingBar();
        var closed = new StreamingBar();
        var emitted = new List<long>();
        int row = 0;
        // The trailing edge exists only for batch (live, the stream has not ended): bars after batch's last complete bar and the
        // source's final coarse bar are left out of the comparison.
        long finalBar = minutes.Time[^1] / tf.Milliseconds * tf.Milliseconds;
        if (policy == IncompleteBarPolicy.DropEdges)
        {
            finalBar = Math.Min(finalBar, batch.Time[^1] + tf.Milliseconds);
        }
        for (int t = 0; t < minutes.Length; t++)
        {
            if (!resampler.Add(sub.Load(minutes, t), closed) || closed.OpenTime >= finalBar)
            {
                continue;
            }

            emitted.Add(closed.OpenTime);
            while (row < batch.Length && batch.Time[row] < closed.OpenTime)
            {
                row++;
            }

            Assert.True(row < batch.Length && batch.Time[row] == closed.OpenTime, $"emitted {closed.OpenTime}, which batch does not have");
            foreach (var c in batch.Columns)
            {
                Assert.True(batch[c][row].Equals(closed[c]), $"{c.Name()} at {closed.OpenTime}: batch {batch[c][row]:R}, stream {closed[c]:R}");
            }
        }

        // Batch's bars but the final one (still forming when the sub-bars end, or dropped by batch as an edge).
        var expected = batch.Time.ToArray().Where(t => t < finalBar).ToArray();
        Assert.Equal(expected, emitted);
        Assert.True(emitted.Count > 20);
    }

    [Fact]
    public void Microstructure_features_of_streamed_bars_equal_the_batch_features_of_the_resampled_frame()
    {
        var minutes = Support.TestData.LoadBinanceMinutes("ETHUSDT");
        var hours = Resampler.Resample(minutes, Timeframe.OneHour);
        string[] names = ["vwap_deviation", "realized_vol_intrabar", "volume_cv_intrabar", "price_efficiency", "volatility_regime_168h", "rsi_14"];
        var batch = new FeatureEngineer().Compute(hours, names);
        var resampler = new StreamingResampler(minutes.Timeframe, Timeframe.OneHour, minutes.Columns);
        var engine = new StreamingFeatureEngine(Timeframe.OneHour, resampler.OutputColumns, names);
        var sub = new StreamingBar();
        var closed = new StreamingBar();
        var values = new double[names.Length];
        int row = 0;
        for (int t = 0; t < minutes.Length; t++)
        {
            if (resampler.Add(sub.Load(minutes, t), closed))
            {
                engine.Update(closed);
                engine.CopyLatest(values);
                Assert.Equal(hours.Time[row], closed.OpenTime);
                for (int k = 0; k < names.Length; k++)
                {
                    Assert.True(batch[names[k]][row].Equals(values[k]), $"{names[k]}[{row}]: batch {batch[names[k]][row]:R}, stream {values[k]:R}");
                }

                row++;
            }
        }

        Assert.Equal(hours.Length, row);
    }
}
