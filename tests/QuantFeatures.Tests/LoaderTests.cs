using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using QuantFeatures.Data;
using QuantFeatures.Tests.Support;
using Xunit;
using TestData = QuantFeatures.Tests.Support.TestData;

namespace QuantFeatures.Tests;

/// <summary>
/// The point-in-time loader: hand-worked alignment (jitter, staleness, events on boundaries), real funding on real bars
/// checked against the raw settlement file, the LAYER interval change, and the FsCheck properties of issue 3 (a record
/// never reaches a bar that closed before it was available; prefix invariance; record order and duplicates do not matter).
/// </summary>
public class LoaderTests
{
    private const long Hour = 3_600_000;
    private static readonly long[] NearTolerance = [-1, 0, 1, 999, 1000, 1001, 1002];
    private static readonly long T0 = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static Kline Bar(long time, double price = 100) => new(time, price, price + 1, price - 1, price, 10);

    private static InMemoryKlineSource Hourly(int n, string symbol = "X") =>
        new InMemoryKlineSource().Add(symbol, Enumerable.Range(0, n).Select(i => Bar(T0 + (i * Hour), 100 + i)), Timeframe.OneHour);

    private static MarketFrame Load(MarketDataLoader loader, int bars, string symbol = "X") =>
        loader.LoadAsync(symbol, Timeframe.OneHour, new TimeRange(T0, T0 + (bars * Hour))).GetAwaiter().GetResult();

    [Fact]
    public void A_settlement_stamped_with_jitter_reaches_the_bar_that_closes_at_its_scheduled_time()
    {
        // Bars open 00:00 … 11:00; bar 7 (07:00) decides at 08:00. A settlement stamped 08:00:00.008 belongs to it; one
        // stamped 08:00:02 (beyond the 1 s tolerance) first reaches bar 8 (decision 09:00).
        var funding = new InMemorySource<FundingSettlement>().Add("X",
        [
            new FundingSettlement(T0 + (8 * Hour) + 8, 0.0001),
            new FundingSettlement(T0 + (16 * Hour) + 2000, 0.0002),
        ]);
        var frame = Load(new MarketDataLoader(Hourly(20)).WithFunding(funding), 20);
        var rate = frame[MarketColumn.FundingRate];
        Assert.True(double.IsNaN(rate[6]));
        Assert.Equal(0.0001, rate[7]);
        Assert.Equal(0.0001, rate[15]);
        Assert.Equal(0.0002, rate[16]); // decision 17:00 ≥ 16:00:02
        Assert.Equal(T0 + (8 * Hour) + 8, frame[MarketColumn.FundingTime][7]);
        Assert.Equal(8.0, frame[MarketColumn.FundingIntervalHours][16]); // spacing 8 h 0 min (rounded to the minute)
        Assert.True(double.IsNaN(frame[MarketColumn.FundingIntervalHours][7])); // the first settlement states none

        var strict = Load(new MarketDataLoader(Hourly(20), new MarketDataLoaderOptions { TimestampTolerance = TimeSpan.Zero }).WithFunding(funding), 20);
        Assert.True(double.IsNaN(strict[MarketColumn.FundingRate][7]));
        Assert.Equal(0.0001, strict[MarketColumn.FundingRate][8]);
    }

    [Fact]
    public void Values_carry_forward_until_the_staleness_limit_then_are_NaN()
    {
        // OI snapshots at 00:30 and 05:10; staleness 1 h. Decisions are 01:00, 02:00, …
        var oi = new InMemorySource<OpenInterestSnapshot>().Add("X",
        [
            new OpenInterestSnapshot(T0 + (Hour / 2), 500, 5e7),
            new OpenInterestSnapshot(T0 + (5 * Hour) + (10 * 60_000), 600),
        ]);
        var frame = Load(new MarketDataLoader(Hourly(8)).WithOpenInterest(oi), 8);
        var v = frame[MarketColumn.OpenInterest];
        Assert.Equal(500, v[0]);   // decision 01:00, 30 min old
        Assert.True(double.IsNaN(v[1]));  // decision 02:00: 90 min old > the 1 h limit
        Assert.True(double.IsNaN(v[2]));
        Assert.True(double.IsNaN(v[4]));  // decision 05:00, snapshot 05:10 not yet available
        Assert.Equal(600, v[5]);
        Assert.True(double.IsNaN(v[7]));  // decision 08:00: 2 h 50 min old
        Assert.True(frame.Has(MarketColumn.OpenInterestValue)); // one snapshot has it
        Assert.Equal(5e7, frame[MarketColumn.OpenInterestValue][0]);
        Assert.True(double.IsNaN(frame[MarketColumn.OpenInterestValue][5]));
    }

    [Fact]
    public void Staleness_is_inclusive_at_the_limit()
    {
        var oi = new InMemorySource<OpenInterestSnapshot>().Add("X", [new OpenInterestSnapshot(T0 + Hour, 500)]);
        var frame = Load(new MarketDataLoader(Hourly(4)).WithOpenInterest(oi), 4);
        Assert.Equal(500, frame[MarketColumn.OpenInterest][0]); // decision 01:00 = snapshot time
        Assert.Equal(500, frame[MarketColumn.OpenInterest][1]); // exactly 1 h old
        Assert.True(double.IsNaN(frame[MarketColumn.OpenInterest][2]));
    }

    [Fact]
    public void Liquidations_are_summed_per_bar_by_side_and_counted_once()
    {
        var e1 = new LiquidationEvent(T0 + 10, LiquidationSide.Long, 100, 2);          // bar 0: long 200
        var e2 = new LiquidationEvent(T0 + Hour - 1, LiquidationSide.Short, 50, 1);     // bar 0: short 50
        var e3 = new LiquidationEvent(T0 + Hour, LiquidationSide.Long, 10, 3);          // exactly at bar 1's open: bar 1
        var e4 = new LiquidationEvent(T0 + (3 * Hour) + 5, LiquidationSide.Long, 1, 1); // after the last bar: dropped
        var source = new InMemorySource<LiquidationEvent>().Add("X", [e3, e1, e2, e1, e3, e4]); // duplicates, any order
        var frame = Load(new MarketDataLoader(Hourly(3)).WithLiquidations(source), 3);
        Assert.Equal([200.0, 30.0, 0.0], frame[MarketColumn.LongLiquidationNotional].ToArray());
        Assert.Equal([50.0, 0.0, 0.0], frame[MarketColumn.ShortLiquidationNotional].ToArray());
        Assert.Equal([2.0, 1.0, 0.0], frame[MarketColumn.LiquidationCount].ToArray());
    }

    [Fact]
    public void Mark_and_index_prices_become_separate_columns_as_of_decision_time()
    {
        var prices = new InMemorySource<ReferencePrice>().Add("X",
        [
            new ReferencePrice(T0 + Hour, ReferencePriceKind.Mark, 101),
            new ReferencePrice(T0 + (2 * Hour), ReferencePriceKind.Mark, 102),
        ]);
        var frame = Load(new MarketDataLoader(Hourly(3)).WithReferencePrices(prices), 3);
        Assert.Equal([101.0, 102.0, 102.0], frame[MarketColumn.MarkPrice].ToArray());
        Assert.False(frame.Has(MarketColumn.IndexPrice)); // no record: absent, not a NaN column
    }

    [Fact]
    public void Conflicting_bars_are_an_error_naming_the_time_and_exact_duplicates_are_dropped()
    {
        var dup = new InMemoryKlineSource().Add("X", [Bar(T0), Bar(T0 + Hour), Bar(T0), Bar(T0 + (2 * Hour))], Timeframe.OneHour);
        Assert.Equal(3, Load(new MarketDataLoader(dup), 3).Length);
        var conflict = new InMemoryKlineSource().Add("X", [Bar(T0), Bar(T0 + Hour), Bar(T0 + Hour, 105)], Timeframe.OneHour);
        var ex = Assert.Throws<InvalidDataException>(() => Load(new MarketDataLoader(conflict), 3));
        Assert.Contains("2025-05-01T01:00:00.000Z", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finer_bars_are_resampled_and_an_incompatible_timeframe_is_an_error()
    {
        var minutes = TestData.Synthetic(600, timeframe: Timeframe.OneMinute);
        var source = InMemoryKlineSource.FromFrame(minutes);
        string symbol = string.IsNullOrEmpty(minutes.Symbol) ? "default" : minutes.Symbol;
        var range = new TimeRange(minutes.Time[0], minutes.Time[^1] + 60_000);
        var frame = await new MarketDataLoader(source).LoadAsync(symbol, Timeframe.OneHour, range);
        var expected = Resampler.Resample(minutes, Timeframe.OneHour);
        Assert.Equal(expected.Time.ToArray(), frame.Time.ToArray());
        Approx.Identical(expected.Close, frame.Close);
        Assert.True(frame.Has(MarketColumn.IntrabarRealizedVol));

        var off = new MarketDataLoader(source, new MarketDataLoaderOptions { ResampleFinerBars = false });
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => off.LoadAsync(symbol, Timeframe.OneHour, range));
        Assert.Contains("resampling is off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_and_arguments_name_the_problem()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarketDataLoader(Hourly(1), new MarketDataLoaderOptions { TimestampTolerance = TimeSpan.FromSeconds(-1) }));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new MarketDataLoader(Hourly(1), new MarketDataLoaderOptions { Funding = new SparseKindOptions(TimeSpan.Zero, TimeSpan.Zero) }));
        Assert.Contains("funding", ex.Message, StringComparison.Ordinal);
        var loader = new MarketDataLoader(Hourly(1));
        await Assert.ThrowsAsync<ArgumentException>(() => loader.LoadAsync(" ", Timeframe.OneHour, TimeRange.All));
        await Assert.ThrowsAsync<ArgumentException>(() => loader.LoadAsync("X", Timeframe.OneHour, new TimeRange(T0, T0)));
    }

    // ---- real data -------------------------------------------------------------------------------------------

    private static List<FundingSettlement> ReadFunding(string symbol)
    {
        var list = new List<FundingSettlement>();
        foreach (var line in File.ReadLines(TestData.SamplePath("binance-um-2025", "funding", $"{symbol}-funding.csv")).Skip(1))
        {
            var f = line.Split(',');
            list.Add(new FundingSettlement(long.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture)));
        }

        return list;
    }

    [Theory]
    [InlineData("BTCUSDT")]
    [InlineData("ETHUSDT")]
    public async Task Real_funding_first_appears_on_the_first_bar_whose_decision_time_reaches_the_settlement(string symbol)
    {
        var bars = TestData.LoadBinanceSample(symbol, "1h");
        var settlements = ReadFunding(symbol);
        var loader = new MarketDataLoader(InMemoryKlineSource.FromFrame(bars))
            .WithFunding(new InMemorySource<FundingSettlement>().Add(symbol, settlements));
        var frame = await loader.LoadAsync(symbol, Timeframe.OneHour, new TimeRange(bars.Time[0], bars.Time[^1] + Hour));
        Assert.Equal(bars.Length, frame.Length);
        var rate = frame[MarketColumn.FundingRate];
        var settled = frame[MarketColumn.FundingTime];
        int checkedSettlements = 0;
        foreach (var s in settlements)
        {
            // Naive: the first bar whose decision time is ≥ the settlement time rounded to the nearest second.
            long scheduled = (long)Math.Round(s.Time / 1000.0, MidpointRounding.AwayFromZero) * 1000;
            int first = -1;
            for (int t = 0; t < bars.Length; t++)
            {
                if (bars.Time[t] + Hour >= scheduled)
                {
                    first = t;
                    break;
                }
            }

            if (first <= 0 || bars.Time[first] + Hour - scheduled >= Hour)
            {
                continue; // outside the bars (or in a gap)
            }

            Assert.Equal((double)s.Time, settled[first]);
            Assert.Equal(s.Rate, rate[first]);
            Assert.NotEqual((double)s.Time, settled[first - 1]); // not one bar earlier
            checkedSettlements++;
        }

        Assert.True(checkedSettlements >= 80, $"{checkedSettlements} settlements checked"); // a month of 8 h settlements
        Assert.All(frame[MarketColumn.FundingIntervalHours].ToArray().Where(x => !double.IsNaN(x)), x => Assert.Equal(8.0, x));
    }

    [Fact]
    public async Task LAYER_funding_loads_with_its_4h_then_1h_intervals()
    {
        var settlements = ReadFunding("LAYERUSDT");
        long first = settlements[0].Time, last = settlements[^1].Time;
        var hours = Enumerable.Range(0, (int)((last - first) / Hour) + 2).Select(i => Bar(first - Hour + (i * Hour))).ToList();
        var loader = new MarketDataLoader(new InMemoryKlineSource().Add("LAYERUSDT", hours, Timeframe.OneHour))
            .WithFunding(new InMemorySource<FundingSettlement>().Add("LAYERUSDT", settlements));
        var frame = await loader.LoadAsync("LAYERUSDT", Timeframe.OneHour, TimeRange.All);
        var interval = frame[MarketColumn.FundingIntervalHours].ToArray();
        var settled = frame[MarketColumn.FundingTime].ToArray();

        // Naive reference: the spacing (to the minute) of each settlement from the one before it.
        var spacing = new Dictionary<long, double>();
        for (int i = 1; i < settlements.Count; i++)
        {
            spacing[settlements[i].Time] = Math.Round((settlements[i].Time - settlements[i - 1].Time) / 60_000.0) / 60.0;
        }

        var seen = new HashSet<double>();
        for (int t = 0; t < frame.Length; t++)
        {
            if (double.IsNaN(settled[t]) || !spacing.TryGetValue((long)settled[t], out double expected))
            {
                continue;
            }

            Assert.Equal(expected, interval[t]);
            seen.Add(interval[t]);
        }

        Assert.Contains(4.0, seen);
        Assert.Contains(1.0, seen);
        int switchBar = Enumerable.Range(0, frame.Length).First(t => interval[t] == 1.0);
        Assert.All(Enumerable.Range(0, switchBar).Where(t => !double.IsNaN(interval[t])), t => Assert.Equal(4.0, interval[t]));
    }

    // ---- properties ------------------------------------------------------------------------------------------

    private static void Run(Property property) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true), property);

    private sealed record World(int Bars, FundingSettlement[] Funding, OpenInterestSnapshot[] OpenInterest, LiquidationEvent[] Liquidations, int Seed);

    private static Arbitrary<World> Worlds() => ArbMap.Default.GeneratorFor<int>().Select(seed =>
    {
        var rnd = new Random(seed);
        int bars = rnd.Next(1, 60);
        long span = bars * Hour;
        long Time() => T0 - (2 * Hour) + rnd.NextInt64(span + (4 * Hour)) + (rnd.Next(3) == 0 ? rnd.Next(-5, 6) : 0); // jitter near boundaries
        long Boundary() => T0 + (rnd.Next(-1, bars + 2) * Hour) + rnd.Next(-3, 4) + (rnd.Next(2) == 0 ? 1000 : 0);
        var funding = Enumerable.Range(0, rnd.Next(0, 12)).Select(_ => new FundingSettlement(rnd.Next(2) == 0 ? Boundary() : Time(), Math.Round(rnd.NextDouble() - 0.5, 4))).ToArray();
        var oi = Enumerable.Range(0, rnd.Next(0, 40)).Select(_ => new OpenInterestSnapshot(Time(), rnd.Next(1, 1000))).ToArray();
        var liq = Enumerable.Range(0, rnd.Next(0, 40)).Select(_ => new LiquidationEvent(rnd.Next(2) == 0 ? Boundary() : Time(),
            rnd.Next(2) == 0 ? LiquidationSide.Long : LiquidationSide.Short, rnd.Next(1, 100), rnd.Next(1, 5))).ToArray();
        return new World(bars, funding, oi, liq, seed);
    }).ToArbitrary();

    private static MarketFrame LoadWorld(World w, int bars, FundingSettlement[]? funding = null, OpenInterestSnapshot[]? oi = null, LiquidationEvent[]? liq = null)
    {
        var loader = new MarketDataLoader(Hourly(w.Bars))
            .WithFunding(new InMemorySource<FundingSettlement>().Add("X", funding ?? w.Funding))
            .WithOpenInterest(new InMemorySource<OpenInterestSnapshot>().Add("X", oi ?? w.OpenInterest))
            .WithLiquidations(new InMemorySource<LiquidationEvent>().Add("X", liq ?? w.Liquidations));
        return Load(loader, bars);
    }

    private static void SameUpTo(MarketFrame expected, MarketFrame actual, int count)
    {
        foreach (var column in expected.Columns.Union(actual.Columns))
        {
            bool e = expected.Has(column), a = actual.Has(column);
            if (!e || !a)
            {
                // A column may be absent in one frame only when it holds nothing in the compared bars of the other.
                var present = e ? expected[column] : actual[column];
                Assert.True(present[..count].ToArray().All(double.IsNaN) || column == MarketColumn.FundingIntervalHours, $"{column.Name()} present in one frame only");
                continue;
            }

            Approx.Identical(expected[column][..count], actual[column][..count], column.Name());
        }
    }

    [Fact]
    public void Property_a_record_never_changes_a_bar_that_decided_before_it_was_available()
    {
        Run(Prop.ForAll(Worlds(), ArbMap.Default.GeneratorFor<int>().ToArbitrary(), (w, extraSeed) =>
        {
            var rnd = new Random(extraSeed);
            // Near a decision time, around the 1 s tolerance, where an off-by-one would show.
            long a = rnd.Next(4) == 0 ? T0 + rnd.NextInt64(w.Bars * Hour)
                : T0 + (rnd.Next(0, w.Bars + 1) * Hour) + NearTolerance[rnd.Next(NearTolerance.Length)];
            var before = LoadWorld(w, w.Bars);
            var after = LoadWorld(w, w.Bars,
                funding: [.. w.Funding, new FundingSettlement(a, 0.5)],
                oi: [.. w.OpenInterest, new OpenInterestSnapshot(a + 1, 99999)],
                liq: [.. w.Liquidations, new LiquidationEvent(a + 2, LiquidationSide.Short, 7, 7)]);
            long tolerance = 1000;
            int unaffected = 0;
            while (unaffected < w.Bars && before.Time[unaffected] + Hour + tolerance < a)
            {
                unaffected++;
            }

            SameUpTo(before, after, unaffected);
        }));
    }

    [Fact]
    public void Property_the_merged_frame_is_prefix_invariant()
    {
        Run(Prop.ForAll(Worlds(), w =>
        {
            var full = LoadWorld(w, w.Bars);
            int k = (w.Seed & 0x7fffffff) % w.Bars + 1;
            var prefix = LoadWorld(w, k);
            Assert.Equal(k, prefix.Length);
            SameUpTo(prefix, full, k);
        }));
    }

    [Fact]
    public void Property_record_order_and_duplicates_do_not_matter()
    {
        Run(Prop.ForAll(Worlds(), w =>
        {
            var rnd = new Random(w.Seed);
            T[] Shuffled<T>(T[] x) => [.. x.Concat(x.Where(_ => rnd.Next(3) == 0)).OrderBy(_ => rnd.Next())];
            var a = LoadWorld(w, w.Bars);
            var b = LoadWorld(w, w.Bars, Shuffled(w.Funding), Shuffled(w.OpenInterest), Shuffled(w.Liquidations));
            Assert.Equal(a.Columns.ToArray(), b.Columns.ToArray());
            SameUpTo(a, b, w.Bars);

            // Duplicated events are counted once: the count equals the distinct events inside the bars.
            long end = T0 + (w.Bars * Hour);
            int distinct = w.Liquidations.Distinct().Count(e => e.Time >= T0 && e.Time < end);
            Assert.Equal(distinct, (int)b[MarketColumn.LiquidationCount].ToArray().Sum());
        }));
    }
}
