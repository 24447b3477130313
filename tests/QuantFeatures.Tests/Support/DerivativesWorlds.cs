using System.Collections.Concurrent;
using System.Globalization;
using QuantFeatures.Data;

namespace QuantFeatures.Tests.Support;

/// <summary>
/// Raw derivatives records and the frame <see cref="MarketDataLoader"/> builds from them: seeded <see cref="SyntheticMarket"/>s
/// (optionally with NaN holes punched into the sparse sources), and the real Binance sample files. The naive references read
/// the raw lists; the engine reads the frame.
/// </summary>
public sealed class DerivativesWorld
{
    private static readonly ConcurrentDictionary<string, Lazy<DerivativesWorld>> Cache = new(StringComparer.Ordinal);

    public required string Name { get; init; }

    public required MarketFrame Frame { get; init; }

    public IReadOnlyList<FundingSettlement> Funding { get; init; } = [];

    public IReadOnlyList<OpenInterestSnapshot> OpenInterest { get; init; } = [];

    public IReadOnlyList<PositioningSnapshot> Positioning { get; init; } = [];

    public IReadOnlyList<LiquidationEvent> Liquidations { get; init; } = [];

    public IReadOnlyList<ReferencePrice> Prices { get; init; } = [];

    /// <summary>The synthetic worlds of the reference tests: name = "tf-seedN[-holes]-bars".</summary>
    public static readonly string[] SyntheticNames = ["1h-seed1-holes-9000", "1h-seed2-9000", "5m-seed3-holes-40000", "15m-seed4-holes-30000"];

    public override string ToString() => Name;

    /// <summary>A cached world by name (synthetic names as <see cref="SyntheticNames"/>).</summary>
    public static DerivativesWorld Get(string name) => Cache.GetOrAdd(name, n => new Lazy<DerivativesWorld>(() => Build(n))).Value;

    private static DerivativesWorld Build(string name)
    {
        var parts = name.Split('-');
        var tf = Timeframe.Parse(parts[0]);
        ulong seed = ulong.Parse(parts[1]["seed".Length..], CultureInfo.InvariantCulture);
        bool holes = parts.Contains("holes");
        int bars = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        return Synthetic(name, tf, bars, seed, holes, stripJitter: parts.Contains("nojitter"));
    }

    /// <summary>
    /// A synthetic market loaded through the loader. With holes: OI snapshots dropped in three windows of 2–3 h (stale → NaN)
    /// and one OI of exactly 0 at a decision time; a 30 h stretch of constant OI (flat windows, ties); positioning dropped in
    /// two windows; three single funding settlements dropped (one per interval regime: holes) and every settlement of a 30 h
    /// stretch (F stale after 24 h); mark and index prices dropped for 30 h and 26 h; no liquidation at all for 30 h.
    /// </summary>
    /// <remarks><paramref name="stripJitter"/> stamps every settlement at its scheduled (minute-rounded) time.</remarks>
    public static DerivativesWorld Synthetic(string name, Timeframe tf, int bars, ulong seed, bool holes, bool stripJitter = false)
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var m = SyntheticMarket.Generate("SYNTHUSDT", tf, bars, start, seed);
        long s0 = m.Start, span = m.End - m.Start;
        long At(double fraction) => s0 + (long)(span * fraction) / NaiveDerivatives.Hour * NaiveDerivatives.Hour; // on the hour
        bool In(long t, double fraction, long length) => t >= At(fraction) && t < At(fraction) + length;
        const long H = NaiveDerivatives.Hour;

        var oi = m.OpenInterest.ToList();
        var pos = m.Positioning.ToList();
        var funding = m.Funding.Select(f => stripJitter ? f with { Time = NaiveDerivatives.RoundToMinute(f.Time) } : f).ToList();
        var liq = m.Liquidations.ToList();
        var prices = m.MarkPrices.Concat(m.IndexPrices).ToList();
        if (holes)
        {
            oi = oi.Where(r => !In(r.Time, 0.10, 2 * H) && !In(r.Time, 0.37, 3 * H) && !In(r.Time, 0.81, 2 * H) && !In(r.Time, 0.47, 40 * 60_000)).ToList();
            long flatFrom = At(0.55);
            double flat = oi.First(r => r.Time >= flatFrom).OpenInterest;
            oi = oi.Select(r => In(r.Time, 0.55, 30 * H) ? r with { OpenInterest = flat, OpenInterestValue = flat * 30_000 } : r)
                .Select(r => r.Time == At(0.6) ? r with { OpenInterest = 0 } : r).ToList();
            pos = pos.Where(r => !In(r.Time, 0.20, 2 * H) && !In(r.Time, 0.65, 90 * 60_000)).ToList();
            FundingSettlement Nearest(double fraction) => funding.MinBy(f => Math.Abs(f.Time - At(fraction)));
            var dropped = new HashSet<FundingSettlement> { Nearest(0.15), Nearest(0.5), Nearest(0.9) };
            funding = funding.Where(f => !dropped.Contains(f) && !In(f.Time, 0.72, 30 * H)).ToList();
            prices = prices.Where(p => !(p.Kind == ReferencePriceKind.Mark && In(p.Time, 0.42, 30 * H))
                && !(p.Kind == ReferencePriceKind.Index && In(p.Time, 0.60, 26 * H))).ToList();
            liq = liq.Where(e => !In(e.Time, 0.25, 30 * H)).ToList();
        }

        const string Symbol = "SYNTHUSDT";
        MarketColumn[] optional = [MarketColumn.QuoteVolume, MarketColumn.Trades, MarketColumn.TakerBuyVolume, MarketColumn.TakerBuyQuoteVolume];
        var loader = new MarketDataLoader(new InMemoryKlineSource(optional).Add(Symbol, m.Klines, tf))
            .WithFunding(new InMemorySource<FundingSettlement>().Add(Symbol, funding))
            .WithOpenInterest(new InMemorySource<OpenInterestSnapshot>().Add(Symbol, oi))
            .WithPositioning(new InMemorySource<PositioningSnapshot>().Add(Symbol, pos))
            .WithLiquidations(new InMemorySource<LiquidationEvent>().Add(Symbol, liq))
            .WithReferencePrices(new InMemorySource<ReferencePrice>().Add(Symbol, prices));
        var frame = loader.LoadAsync(Symbol, tf, new TimeRange(m.Start, m.End)).GetAwaiter().GetResult();
        return new DerivativesWorld
        {
            Name = name, Frame = frame, Funding = funding, OpenInterest = oi, Positioning = pos, Liquidations = liq, Prices = prices,
        };
    }

    // ---- real files --------------------------------------------------------------------------------------------------

    /// <summary>A Binance funding file (funding_time, funding_time_ms, funding_rate): the raw fundingTime with its jitter.</summary>
    public static List<FundingSettlement> ReadFunding(string symbol)
    {
        var list = new List<FundingSettlement>();
        foreach (var line in File.ReadLines(TestData.SamplePath("binance-um-2025", "funding", $"{symbol}-funding.csv")).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            list.Add(new FundingSettlement(long.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture)));
        }

        return list;
    }

    /// <summary>8 h mark klines as observed: time = open + 8 h (the close is known when the kline closes), price = close.</summary>
    public static List<ReferencePrice> ReadMark8h(string symbol)
    {
        var list = new List<ReferencePrice>();
        foreach (var line in File.ReadLines(TestData.SamplePath("binance-um-2025", "mark-8h", $"{symbol}-8h-mark.csv")).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            long open = long.Parse(f[1], CultureInfo.InvariantCulture);
            list.Add(new ReferencePrice(open + (8 * NaiveDerivatives.Hour), ReferencePriceKind.Mark, double.Parse(f[5], CultureInfo.InvariantCulture)));
        }

        return list;
    }

    /// <summary>
    /// Real bars (<paramref name="bars"/>) with the symbol's real funding and 8 h mark prices, loaded at <paramref name="timeframe"/>
    /// (the loader resamples finer bars). Funding records older than the first bar by more than 20 h are not passed, so the
    /// loader (which reads from the first decision − 24 h) and the reference see the same list.
    /// </summary>
    public static DerivativesWorld Real(string name, MarketFrame bars, Timeframe timeframe, string symbol, bool mark = true)
    {
        long from = bars.Time[0];
        var funding = ReadFunding(symbol).Where(f => f.Time >= from - (20 * NaiveDerivatives.Hour)).ToList();
        var prices = mark ? ReadMark8h(symbol) : [];
        var loader = new MarketDataLoader(InMemoryKlineSource.FromFrame(bars))
            .WithFunding(new InMemorySource<FundingSettlement>().Add(bars.Symbol, funding));
        if (mark)
        {
            loader = loader.WithReferencePrices(new InMemorySource<ReferencePrice>().Add(bars.Symbol, prices));
        }

        var range = new TimeRange(from, bars.Time[^1] + bars.Timeframe.Milliseconds);
        var frame = loader.LoadAsync(bars.Symbol, timeframe, range).GetAwaiter().GetResult();
        return new DerivativesWorld { Name = name, Frame = frame, Funding = funding, Prices = prices };
    }

    /// <summary>
    /// Flat hourly bars (price 100) spanning a symbol's whole funding file, with its real settlements: long enough for the
    /// 30-day windows. <paramref name="keep"/> filters the settlements (e.g. to truncate at a decision time).
    /// </summary>
    public static DerivativesWorld FundingSpan(string symbol, Func<FundingSettlement, bool>? keep = null)
    {
        var all = ReadFunding(symbol);
        var settlements = all.Where(keep ?? (_ => true)).ToList();
        long first = all[0].Time / NaiveDerivatives.Hour * NaiveDerivatives.Hour, last = all[^1].Time;
        int n = (int)((last - first) / NaiveDerivatives.Hour) + 2;
        var klines = Enumerable.Range(0, n).Select(i => new Kline(first - NaiveDerivatives.Hour + (i * NaiveDerivatives.Hour), 100, 101, 99, 100 + (i % 7), 10)).ToList();
        var loader = new MarketDataLoader(new InMemoryKlineSource().Add(symbol, klines, Timeframe.OneHour))
            .WithFunding(new InMemorySource<FundingSettlement>().Add(symbol, settlements));
        var frame = loader.LoadAsync(symbol, Timeframe.OneHour, TimeRange.All).GetAwaiter().GetResult();
        return new DerivativesWorld { Name = $"{symbol}-funding-span", Frame = frame, Funding = settlements };
    }
}
