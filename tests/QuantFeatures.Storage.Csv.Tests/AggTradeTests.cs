using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantFeatures.Data;
using QuantFeatures.Storage.Csv.Tests.Support;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

public class AggTradeTests
{
    private sealed record Trade(long Id, double Price, double Qty, long First, long Last, long Time, bool BuyerMaker);

    private static string Csv(IEnumerable<Trade> trades, bool header)
    {
        var sb = new StringBuilder();
        if (header)
        {
            sb.Append("agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n");
        }

        foreach (var t in trades)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{t.Id},{t.Price:R},{t.Qty:R},{t.First},{t.Last},{t.Time},{(t.BuyerMaker ? "true" : "false")}\n");
        }

        return sb.ToString();
    }

    /// <summary>The naive reference: group by bar, then fold in file order.</summary>
    private static List<Kline> Naive(IEnumerable<Trade> trades, long step) =>
        [.. trades.GroupBy(t => t.Time / step * step).OrderBy(g => g.Key).Select(g =>
        {
            var list = g.ToList();
            double v = 0, qv = 0, n = 0, tb = 0, tbq = 0;
            foreach (var t in list)
            {
                v += t.Qty;
                qv += t.Price * t.Qty;
                n += t.Last - t.First + 1;
                if (!t.BuyerMaker)
                {
                    tb += t.Qty;
                    tbq += t.Price * t.Qty;
                }
            }

            return new Kline(g.Key, list[0].Price, list.Max(t => t.Price), list.Min(t => t.Price), list[^1].Price, v, qv, n, tb, tbq);
        })];

    private static Gen<List<Trade>> Trades() =>
        from count in Gen.Choose(1, 300)
        from steps in Gen.ArrayOf(Gen.Choose(0, 40_000), count)
        from prices in Gen.ArrayOf(Gen.Choose(9_000_000, 9_100_000), count)
        from qtys in Gen.ArrayOf(Gen.Choose(1, 50_000), count)
        from sizes in Gen.ArrayOf(Gen.Choose(1, 20), count)
        from makers in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), count)
        select Build(steps, prices, qtys, sizes, makers);

    private static List<Trade> Build(int[] steps, int[] prices, int[] qtys, int[] sizes, bool[] makers)
    {
        var list = new List<Trade>();
        long time = 1746057600000L, first = 5_000_000;
        for (int i = 0; i < steps.Length; i++)
        {
            time += steps[i];
            list.Add(new Trade(1_000_000 + i, prices[i] / 100.0, qtys[i] / 1000.0, first, first + sizes[i] - 1, time, makers[i]));
            first += sizes[i];
        }

        return list;
    }

    [Property(MaxTest = 200)]
    public Property Bars_equal_the_naive_aggregation()
    {
        return Prop.ForAll(Arb.From(Trades()), Arb.From(ArbMap.Default.GeneratorFor<bool>()), (trades, header) =>
        {
            using var dir = new TempDir();
            var path = dir.Write("BTCUSDT-aggTrades-2025-05-01.csv", Csv(trades, header));
            var bars = Read.All(CsvSources.KlinesFromAggTrades([path], Timeframe.OneMinute));
            return bars.SequenceEqual(Naive(trades, 60_000));
        });
    }

    [Fact]
    public void A_hand_computed_bar()
    {
        Trade[] trades =
        [
            new(1, 100, 2, 10, 12, 1746057600000, false),  // taker buy, 3 trades
            new(2, 101, 1, 13, 13, 1746057630000, true),   // taker sell
            new(3, 99, 4, 14, 15, 1746057659999, false),   // taker buy, last of the minute
            new(4, 102, 1, 16, 16, 1746057660000, true),   // next minute
        ];
        using var dir = new TempDir();
        var path = dir.Write("t.csv", Csv(trades, header: true));
        var source = CsvSources.KlinesFromAggTrades([path], Timeframe.OneMinute);
        var bars = Read.All(source);
        // Minute 1: O 100, H 101, L 99, C 99, V 2+1+4 = 7, QV 200+101+396 = 697, trades 3+1+2 = 6, TB 2+4 = 6, TBQ 200+396 = 596.
        Assert.Equal(new Kline(1746057600000, 100, 101, 99, 99, 7, 697, 6, 6, 596), bars[0]);
        Assert.Equal(new Kline(1746057660000, 102, 102, 102, 102, 1, 102, 1, 0, 0), bars[1]);
        Assert.Equal(Timeframe.OneMinute, source.TimeframeOf("BTCUSDT"));
        Assert.Contains(MarketColumn.TakerBuyVolume, source.OptionalColumns);

        // A range selects bars by open time; the trades of a bar are all counted.
        var second = Read.All(source, range: new TimeRange(1746057600001, 1746057720000));
        Assert.Equal([bars[1]], second);
    }

    [Fact]
    public void Overlapping_monthly_and_daily_archives_are_read_once()
    {
        var trades = Build([.. Enumerable.Repeat(20_000, 9000)], [.. Enumerable.Range(0, 9000).Select(i => 9_000_000 + (i % 977))],
            [.. Enumerable.Repeat(1500, 9000)], [.. Enumerable.Repeat(2, 9000)], [.. Enumerable.Range(0, 9000).Select(i => i % 3 == 0)]);
        using var dir = new TempDir();
        var byDay = trades.GroupBy(t => DateTimeOffset.FromUnixTimeMilliseconds(t.Time).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Assert.True(byDay.Count >= 2);
        dir.Write($"aggTrades/BTCUSDT/BTCUSDT-aggTrades-2025-05.zip", Csv(trades, header: true));
        foreach (var day in byDay)
        {
            dir.Write($"aggTrades/BTCUSDT/BTCUSDT-aggTrades-{day.Key}.zip", Csv(day, header: false));
        }

        var bars = Read.All(new BinanceArchiveDirectory(dir.Path).KlinesFromAggTrades(Timeframe.OneHour));
        Assert.Equal(Naive(trades, 3_600_000), bars);
    }

    [Fact]
    public void Trades_out_of_time_order_are_an_error()
    {
        Trade[] trades = [new(1, 100, 1, 1, 1, 1746057660000, false), new(2, 100, 1, 2, 2, 1746057600000, false)];
        using var dir = new TempDir();
        var path = dir.Write("t.csv", Csv(trades, header: false));
        var ex = Assert.Throws<FormatException>(() => Read.All(CsvSources.KlinesFromAggTrades([path], Timeframe.OneMinute)));
        Assert.StartsWith($"{path}: line 2, column 6 (transact_time): trade time 2025-05-01T00:00:00.000Z is before the bar being built", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spot_layout_with_is_best_match_and_microseconds()
    {
        using var dir = new TempDir();
        var path = dir.Write("s.csv", "1,100.5,2,1,1,1746057600000123,True,True\n2,100.7,1,2,2,1746057601000000,False,True\n");
        var bar = Assert.Single(Read.All(CsvSources.KlinesFromAggTrades([path], Timeframe.OneMinute)));
        Assert.Equal(new Kline(1746057600000, 100.5, 100.7, 100.5, 100.7, 3, (100.5 * 2) + 100.7, 2, 1, 100.7), bar);
    }
}
