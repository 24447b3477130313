using QuantFeatures.Data;
using QuantFeatures.Storage;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>The shared record split of the columnar adapters: every field in declaration order, and back.</summary>
public class RecordFieldsTests
{
    private static T RoundTrip<T>(T record, double[] expected, int expectedTag)
        where T : struct, IMarketRecord
    {
        Assert.Equal(expected.Length, RecordFields.DoubleCount<T>());
        var values = new double[expected.Length];
        RecordFields.Write(record, values);
        Assert.Equal(expected, values);
        Assert.Equal(expectedTag, RecordFields.Tag(record));
        return RecordFields.Read<T>(record.Time, RecordFields.Tag(record), values);
    }

    [Fact]
    public void Every_record_type_splits_into_its_fields_in_order_and_rebuilds_exactly()
    {
        var k = new Kline(1, 2, 3, 4, 5, 6, 7, 8, 9, double.NaN);
        Assert.Equal(k, RoundTrip(k, [2, 3, 4, 5, 6, 7, 8, 9, double.NaN], 0));
        var f = new FundingSettlement(1, -1e-4, 8);
        Assert.Equal(f, RoundTrip(f, [-1e-4, 8], 0));
        var o = new OpenInterestSnapshot(1, 10, 20);
        Assert.Equal(o, RoundTrip(o, [10, 20], 0));
        var p = new PositioningSnapshot(1, 1.1, 1.2, 1.3, 1.4);
        Assert.Equal(p, RoundTrip(p, [1.1, 1.2, 1.3, 1.4], 0));
        var l = new LiquidationEvent(1, LiquidationSide.Short, 100, 0.5);
        Assert.Equal(l, RoundTrip(l, [100, 0.5], 1));
        var r = new ReferencePrice(1, ReferencePriceKind.Index, 99);
        Assert.Equal(r, RoundTrip(r, [99], 1));
    }
}
