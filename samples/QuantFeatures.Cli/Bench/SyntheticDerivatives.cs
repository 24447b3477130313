namespace QuantFeatures.Cli.Bench;

/// <summary>
/// The synthetic derivatives columns of the benchmark frames (the CLI's <c>bench</c> and the BenchmarkDotNet project,
/// which compiles this file too), shaped as <see cref="Data.MarketDataLoader"/> fills them.
/// </summary>
public static class SyntheticDerivatives
{
    /// <summary>
    /// The derivatives columns, from their own generator (the kline columns do not depend on them), each bar taking the
    /// last value available by its decision time (open + Δ): open interest (a random walk; its value = OI × close) and the
    /// four positioning ratios (AR(1) around 1 … 1.5) from 5-minute snapshots; a funding settlement every 8 h (00, 08, 16
    /// UTC, stamped 0 … 15 ms late) with its rate, settlement time and 8 h interval; mark and index prices near the close;
    /// liquidations (1 … 6 events) in about 5 % of the 1-minute slots of a bar, notionals and count 0 elsewhere.
    /// <paramref name="openInterestStep"/> is the relative size of an open-interest step per snapshot.
    /// </summary>
    public static (MarketColumn Column, double[] Values)[] Columns(ReadOnlySpan<long> time, ReadOnlySpan<double> c, Timeframe timeframe, Random rnd,
        double openInterestStep)
    {
        const long FiveMinutes = 300_000L;
        const long Eight = 8 * 3_600_000L;
        int n = time.Length;
        var oi = new double[n];
        var oiv = new double[n];
        var rate = new double[n];
        var settledAt = new double[n];
        var interval = new double[n];
        var mark = new double[n];
        var index = new double[n];
        var longs = new double[n];
        var shorts = new double[n];
        var count = new double[n];
        var ls = new double[n];
        var top = new double[n];
        var position = new double[n];
        var taker = new double[n];
        long delta = timeframe.Milliseconds;
        int slots = (int)Math.Clamp(delta / 60_000L, 1, 1440); // 1-minute slots per bar, for the liquidation rate
        double openInterest = n > 0 ? 2e9 / c[0] : 0, value = 0, f = 1e-4, lsr = 1.3, tops = 1.25, pos = 1.1, tk = 1.0;
        double markBasis = 0, indexBasis = 0, settlementTime = double.NaN;
        long snapshot = long.MinValue, settlement = long.MinValue;
        for (int i = 0; i < n; i++)
        {
            long decision = time[i] + delta;
            long last = decision - (decision % FiveMinutes);
            if (last != snapshot)
            {
                snapshot = last;
                openInterest = Math.Round(openInterest * (1 + (openInterestStep * (rnd.NextDouble() - 0.5))), 3);
                value = openInterest * c[i];
                lsr = Math.Round(1.3 + (0.95 * (lsr - 1.3)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                tops = Math.Round(lsr + (0.9 * (tops - lsr)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                pos = Math.Round(1.1 + (0.95 * (pos - 1.1)) + (0.02 * (rnd.NextDouble() - 0.5)), 4);
                tk = Math.Round(1 + (0.5 * (tk - 1)) + (0.2 * (rnd.NextDouble() - 0.5)), 4);
            }

            long due = decision - (decision % Eight);
            if (due != settlement)
            {
                settlement = due;
                settlementTime = due + rnd.Next(0, 16);
                f = Math.Round((1e-4 + (0.8 * (f - 1e-4)) + (1e-4 * (rnd.NextDouble() - 0.5))) * 1e8) / 1e8;
            }

            oi[i] = openInterest;
            oiv[i] = value;
            rate[i] = f;
            settledAt[i] = settlementTime;
            interval[i] = 8;
            markBasis = (0.9 * markBasis) + (2e-4 * (rnd.NextDouble() - 0.5));
            indexBasis = (0.9 * indexBasis) + (1e-4 * (rnd.NextDouble() - 0.5));
            mark[i] = c[i] * (1 + markBasis);
            index[i] = c[i] * (1 + indexBasis);
            if (rnd.NextDouble() < 1 - Math.Pow(0.95, slots))
            {
                int events = rnd.Next(1, 7);
                double share = rnd.NextDouble();
                for (int e = 0; e < events; e++)
                {
                    double u = rnd.NextDouble();
                    double notional = 500 * (1 + (300 * u * u * u));
                    if (rnd.NextDouble() < share)
                    {
                        longs[i] += notional;
                    }
                    else
                    {
                        shorts[i] += notional;
                    }
                }

                count[i] = events;
            }

            ls[i] = lsr;
            top[i] = tops;
            position[i] = pos;
            taker[i] = tk;
        }

        return
        [
            (MarketColumn.OpenInterest, oi), (MarketColumn.OpenInterestValue, oiv), (MarketColumn.FundingRate, rate), (MarketColumn.FundingTime, settledAt),
            (MarketColumn.FundingIntervalHours, interval), (MarketColumn.MarkPrice, mark), (MarketColumn.IndexPrice, index),
            (MarketColumn.LongLiquidationNotional, longs), (MarketColumn.ShortLiquidationNotional, shorts), (MarketColumn.LiquidationCount, count),
            (MarketColumn.LongShortRatio, ls), (MarketColumn.TopTraderLongShortRatio, top), (MarketColumn.TopTraderPositionRatio, position),
            (MarketColumn.TakerLongShortVolRatio, taker),
        ];
    }
}
