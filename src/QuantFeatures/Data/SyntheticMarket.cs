namespace QuantFeatures.Data;

/// <summary>
/// A deterministic, seeded synthetic perpetual-futures market for tests, samples and benchmarks: klines with all
/// twelve Binance values, mark and index klines, funding settlements whose interval changes, five-minute open
/// interest and positioning snapshots with gaps, and liquidation events with exact duplicates.
/// </summary>
/// <remarks>
/// <para><b>Reproducible everywhere.</b> The model uses a xoshiro256** generator seeded through SplitMix64 (one
/// independent stream per kind, so e.g. the klines do not depend on the liquidation model), normal draws by the
/// Irwin–Hall sum of twelve uniforms, and only IEEE-754 +, −, ×, ÷, √ and rounding — no exp, log or trigonometry from the
/// platform's math library — so the same arguments give bit-identical records on every machine and runtime. Prices
/// are whole ticks (6 significant digits at the start price, e.g. 0.1 at 30,000), volumes whole thousandths.</para>
/// <para><b>Klines</b> (Time = open time): a random walk with per-bar σ = 0.0006·√(Δ in minutes); open = previous
/// close; high ≥ max(open, close) and low ≤ min(open, close) (low ≥ one tick); quote volume = volume × a VWAP inside
/// [low, high] (rounded to 10⁻⁴); trades ≥ 1; taker-buy volume = 5 … 95 % of volume (more on up bars), its quote
/// volume at the same VWAP. <b>Mark / index klines</b>: the trade klines × (1 + a small AR(1) basis) on a 100× finer
/// tick, volumes 0. <b>Funding</b>: settlements on the UTC grid, every 8 h for the first third of the span, every 4 h
/// for the second, every hour for the last (the switches fall on 8-hour boundaries), each at its grid time plus
/// 0 … 15 ms of jitter (as Binance's fundingTime); IntervalHours = the time since the previous settlement's grid time;
/// rate = an AR(1) around 0.01 % per 8 h scaled to the interval, rounded to 10⁻⁸. <b>Metrics</b>: a snapshot every
/// 5 minutes (UTC grid) in [start, end), 3 % of them missing at random plus one missing hour in the middle of the
/// span; open interest a random walk, its value = OI × the open of the bar containing the snapshot; ratios AR(1)
/// processes, the taker ratio = the previous closed bar's taker buy / sell volume. <b>Liquidations</b>: 0 … 8 per
/// bar (more on large moves), at random times inside the bar, mostly longs on down bars; price inside [low, high] on
/// the tick; 5 % of events are followed by an exact duplicate (as overlapping archives contain); in time order.</para>
/// </remarks>
public sealed class SyntheticMarket
{
    private const long FiveMinutes = 300_000L;
    private const long Hour = 3_600_000L;

    private SyntheticMarket(string symbol, Timeframe timeframe, long start, int bars)
    {
        Symbol = symbol;
        Timeframe = timeframe;
        Start = start;
        End = start + (bars * timeframe.Milliseconds);
    }

    /// <summary>The instrument name.</summary>
    public string Symbol { get; }

    /// <summary>The kline interval.</summary>
    public Timeframe Timeframe { get; }

    /// <summary>Open time of the first bar (Unix ms, UTC).</summary>
    public long Start { get; }

    /// <summary>Close time of the last bar (exclusive end of the span).</summary>
    public long End { get; }

    /// <summary>The trade klines, in time order.</summary>
    public IReadOnlyList<Kline> Klines { get; private set; } = [];

    /// <summary>Mark-price klines on the same open times.</summary>
    public IReadOnlyList<Kline> MarkPriceKlines { get; private set; } = [];

    /// <summary>Index-price klines on the same open times.</summary>
    public IReadOnlyList<Kline> IndexPriceKlines { get; private set; } = [];

    /// <summary>Funding settlements, in time order (intervals 8 h, then 4 h, then 1 h).</summary>
    public IReadOnlyList<FundingSettlement> Funding { get; private set; } = [];

    /// <summary>Open-interest snapshots (5-minute grid with gaps).</summary>
    public IReadOnlyList<OpenInterestSnapshot> OpenInterest { get; private set; } = [];

    /// <summary>Positioning snapshots, on the same times as <see cref="OpenInterest"/>.</summary>
    public IReadOnlyList<PositioningSnapshot> Positioning { get; private set; } = [];

    /// <summary>Liquidation events in time order, including exact duplicates.</summary>
    public IReadOnlyList<LiquidationEvent> Liquidations { get; private set; } = [];

    /// <summary>The mark prices as observed: one per mark kline at its close time (open + Δ), its close price.</summary>
    public IEnumerable<ReferencePrice> MarkPrices => MarkPriceKlines.Select(k => new ReferencePrice(k.Time + Timeframe.Milliseconds, ReferencePriceKind.Mark, k.Close));

    /// <summary>The index prices as observed: one per index kline at its close time (open + Δ), its close price.</summary>
    public IEnumerable<ReferencePrice> IndexPrices => IndexPriceKlines.Select(k => new ReferencePrice(k.Time + Timeframe.Milliseconds, ReferencePriceKind.Index, k.Close));

    /// <summary>Generates a market.</summary>
    /// <param name="symbol">The instrument name (e.g. <c>SYNTHUSDT</c>).</param>
    /// <param name="timeframe">The kline interval.</param>
    /// <param name="bars">The number of klines (≥ 1).</param>
    /// <param name="start">The first open time; a whole multiple of <paramref name="timeframe"/> since the Unix epoch.</param>
    /// <param name="seed">The seed: the same arguments give the same records.</param>
    /// <param name="startPrice">The first open price (&gt; 0).</param>
    /// <exception cref="ArgumentException">An argument is out of range; the message names it.</exception>
    public static SyntheticMarket Generate(string symbol, Timeframe timeframe, int bars, DateTimeOffset start, ulong seed, double startPrice = 30_000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentOutOfRangeException.ThrowIfLessThan(bars, 1);
        if (!(startPrice > 0) || double.IsInfinity(startPrice))
        {
            throw new ArgumentOutOfRangeException(nameof(startPrice), startPrice, "The start price must be positive and finite.");
        }

        long t0 = start.ToUnixTimeMilliseconds();
        if (t0 % timeframe.Milliseconds != 0)
        {
            throw new ArgumentException($"The start {start:O} is not a multiple of the timeframe {timeframe} since the Unix epoch.", nameof(start));
        }

        if ((long.MaxValue - t0) / timeframe.Milliseconds < bars)
        {
            throw new ArgumentOutOfRangeException(nameof(bars), bars, "The span overflows the time range.");
        }

        var market = new SyntheticMarket(symbol, timeframe, t0, bars);
        var klines = GenerateKlines(market, bars, seed, startPrice, out int decimals);
        market.Klines = klines;
        market.MarkPriceKlines = Reference(klines, decimals, new Rng(seed, 2), 0.0002);
        market.IndexPriceKlines = Reference(klines, decimals, new Rng(seed, 3), 0.0001);
        market.Funding = GenerateFunding(market, new Rng(seed, 4));
        GenerateMetrics(market, klines, new Rng(seed, 5));
        market.Liquidations = GenerateLiquidations(klines, timeframe, decimals, new Rng(seed, 6));
        return market;
    }

    private static Kline[] GenerateKlines(SyntheticMarket m, int bars, ulong seed, double startPrice, out int decimals)
    {
        var rng = new Rng(seed, 1);
        long step = m.Timeframe.Milliseconds;
        double sigma = 0.0006 * Math.Sqrt(step / 60_000.0);
        decimals = 6;
        for (double p = 1; p <= startPrice && decimals > 0; p *= 10)
        {
            decimals--;
        }

        double scale = Pow10(decimals);
        double level = startPrice;
        long close = Math.Max(1, (long)Math.Round(startPrice * scale));
        var result = new Kline[bars];
        for (int i = 0; i < bars; i++)
        {
            long open = close;
            double z = rng.Normal();
            level *= 1 + (sigma * z);
            level = Math.Max(level, 1 / scale);
            close = Math.Max(1, (long)Math.Round(level * scale));
            double o = open / scale, c = close / scale;
            long reach = (long)Math.Round(Math.Abs(rng.Normal()) * 0.4 * sigma * level * scale);
            long high = Math.Max(open, close) + reach;
            long low = Math.Max(1, Math.Min(open, close) - (long)Math.Round(Math.Abs(rng.Normal()) * 0.4 * sigma * level * scale));
            double h = high / scale, l = low / scale;
            double ret = (c - o) / o;
            double notional = 2_000_000.0 * (step / 60_000.0) * (0.5 + rng.Uniform() + Math.Abs(z));
            long volumeMilli = Math.Max(1, (long)Math.Round(notional / c * 1000));
            double volume = volumeMilli / 1000.0;
            double vwap = l + ((h - l) * (0.25 + (0.5 * rng.Uniform())));
            double quote = Math.Round(volume * vwap * 10_000) / 10_000;
            double trades = 1 + Math.Round(volume * vwap / 2_000);
            double share = Math.Clamp(0.5 + (0.15 * rng.Normal()) + (8 * ret), 0.05, 0.95);
            long takerMilli = (long)Math.Round(volumeMilli * share);
            double taker = takerMilli / 1000.0;
            double takerQuote = Math.Round(taker * vwap * 10_000) / 10_000;
            result[i] = new Kline(m.Start + (i * step), o, h, l, c, volume, quote, trades, taker, takerQuote);
        }

        return result;
    }

    private static Kline[] Reference(Kline[] klines, int decimals, Rng rng, double noise)
    {
        double scale = Pow10(decimals + 2);
        double basis = 0;
        var result = new Kline[klines.Length];
        for (int i = 0; i < klines.Length; i++)
        {
            basis = (0.9 * basis) + (noise * rng.Normal());
            double f = 1 + basis;
            var k = klines[i];
            result[i] = new Kline(k.Time, Tick(k.Open * f, scale), Tick(k.High * f, scale), Tick(k.Low * f, scale), Tick(k.Close * f, scale),
                0, 0, 0, 0, 0);
        }

        return result;
    }

    private static FundingSettlement[] GenerateFunding(SyntheticMarket m, Rng rng)
    {
        const long Eight = 8 * Hour;
        long span = m.End - m.Start;
        long p1 = CeilTo(m.Start + (span / 3), Eight);
        long p2 = CeilTo(m.Start + (2 * span / 3), Eight);
        long StepAt(long t) => t < p1 ? Eight : t < p2 ? 4 * Hour : Hour;

        var result = new List<FundingSettlement>();
        double rate = 0.0001;
        long previous = long.MinValue;
        for (long t = CeilTo(m.Start, Eight); t < m.End; t += StepAt(t))
        {
            long interval = previous == long.MinValue ? StepAt(t) : t - previous;
            double perInterval = interval / (double)Eight;
            rate = 0.0001 + (0.8 * (rate - 0.0001)) + (0.00006 * rng.Normal());
            double r = Math.Round(rate * perInterval * 1e8) / 1e8;
            long jitter = (long)(rng.Uniform() * 16);
            result.Add(new FundingSettlement(t + jitter, r, interval / (double)Hour));
            previous = t;
        }

        return [.. result];
    }

    private static void GenerateMetrics(SyntheticMarket m, Kline[] klines, Rng rng)
    {
        long step = m.Timeframe.Milliseconds;
        long gapFrom = CeilTo(m.Start + ((m.End - m.Start) / 2), FiveMinutes);
        long gapTo = gapFrom + Hour;
        var oi = new List<OpenInterestSnapshot>();
        var pos = new List<PositioningSnapshot>();
        double openInterest = 2_000_000_000.0 / klines[0].Open;
        double ls = 1.5, top = 1.4, topPos = 1.1;
        for (long t = CeilTo(m.Start, FiveMinutes); t < m.End; t += FiveMinutes)
        {
            openInterest *= 1 + (0.001 * rng.Normal());
            ls = 1.5 + (0.95 * (ls - 1.5)) + (0.02 * rng.Normal());
            top = ls + (0.9 * (top - ls)) + (0.02 * rng.Normal());
            topPos = 1.1 + (0.95 * (topPos - 1.1)) + (0.01 * rng.Normal());
            bool missing = rng.Uniform() < 0.03 || (t >= gapFrom && t < gapTo);
            if (missing)
            {
                continue;
            }

            int bar = (int)((t - m.Start) / step);
            double oiRounded = Math.Round(openInterest * 1000) / 1000;
            double value = Math.Round(oiRounded * klines[bar].Open * 100) / 100;
            double taker = 1.0;
            if (bar > 0)
            {
                var b = klines[bar - 1];
                taker = b.Volume > b.TakerBuyVolume ? Math.Round(b.TakerBuyVolume / (b.Volume - b.TakerBuyVolume) * 10_000) / 10_000 : double.NaN;
            }

            oi.Add(new OpenInterestSnapshot(t, oiRounded, value));
            pos.Add(new PositioningSnapshot(t, Ratio(ls), Ratio(top), Ratio(topPos), taker));
        }

        m.OpenInterest = [.. oi];
        m.Positioning = [.. pos];
    }

    private static LiquidationEvent[] GenerateLiquidations(Kline[] klines, Timeframe timeframe, int decimals, Rng rng)
    {
        long step = timeframe.Milliseconds;
        double scale = Pow10(decimals);
        var result = new List<LiquidationEvent>();
        Span<long> times = stackalloc long[8];
        foreach (var k in klines)
        {
            double ret = (k.Close - k.Open) / k.Open;
            double p = 0.1 + Math.Min(0.4, Math.Abs(ret) * 100);
            int count = 0;
            for (int j = 0; j < times.Length; j++)
            {
                if (rng.Uniform() < p)
                {
                    times[count++] = k.Time + (long)(rng.Uniform() * step);
                }
            }

            var slice = times[..count];
            slice.Sort();
            double longShare = Math.Clamp(0.5 - (50 * ret), 0.1, 0.9);
            foreach (long t in slice)
            {
                var side = rng.Uniform() < longShare ? LiquidationSide.Long : LiquidationSide.Short;
                double price = Tick(k.Low + ((k.High - k.Low) * rng.Uniform()), scale);
                double u = rng.Uniform();
                double notional = 500 * (1 + (300 * u * u * u));
                double quantity = Math.Max(1, Math.Round(notional / price * 1000)) / 1000;
                var e = new LiquidationEvent(t, side, price, quantity);
                result.Add(e);
                if (rng.Uniform() < 0.05)
                {
                    result.Add(e);
                }
            }
        }

        return [.. result];
    }

    private static double Ratio(double r) => Math.Round(Math.Max(0.05, r) * 10_000) / 10_000;

    private static double Tick(double price, double scale) => Math.Max(1, Math.Round(price * scale)) / scale;

    private static double Pow10(int n)
    {
        double p = 1;
        for (int i = 0; i < n; i++)
        {
            p *= 10;
        }

        return p;
    }

    private static long CeilTo(long t, long step)
    {
        long m = t % step;
        if (m < 0)
        {
            m += step;
        }

        return m == 0 ? t : t - m + step;
    }

    /// <summary>xoshiro256** seeded by SplitMix64 from (seed, stream).</summary>
    private sealed class Rng
    {
        private ulong _s0, _s1, _s2, _s3;

        public Rng(ulong seed, ulong stream)
        {
            ulong x = seed ^ (stream * 0x9E3779B97F4A7C15UL);
            _s0 = SplitMix(ref x);
            _s1 = SplitMix(ref x);
            _s2 = SplitMix(ref x);
            _s3 = SplitMix(ref x);
        }

        /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
        public double Uniform() => (Next() >> 11) * (1.0 / 9007199254740992.0);

        /// <summary>Approximately standard normal: the sum of twelve uniforms minus 6 (mean 0, variance 1, |z| ≤ 6).</summary>
        public double Normal()
        {
            double s = 0;
            for (int i = 0; i < 12; i++)
            {
                s += Uniform();
            }

            return s - 6;
        }

        private static ulong SplitMix(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private ulong Next()
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }

        private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
    }
}
