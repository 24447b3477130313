using System.Globalization;
using QuantFeatures.Cli.Csv;

namespace QuantFeatures.Cli.Tests;

public class TimeParserTests
{
    /// <summary>Expected instants come from the BCL's own parser of a canonical ISO string (independent of TimeParser).</summary>
    private static long Expected(string canonical) =>
        DateTimeOffset.ParseExact(canonical, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2025-03-06T11:00:00Z", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06t11:00:00z", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06T11:00:00", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06T11:00:00.250Z", "2025-03-06T11:00:00.25+00:00")]
    [InlineData("2025-03-06T11:00:00.1234567Z", "2025-03-06T11:00:00.123+00:00")]
    [InlineData("2025-03-06T11:00:00,5", "2025-03-06T11:00:00.5+00:00")]
    [InlineData("2025-03-06T12:00:00+01:00", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06T06:00:00-05:00", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06T12:30:00+0130", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06T13:00:00+02", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06 11:00:00", "2025-03-06T11:00:00+00:00")]
    [InlineData("2025-03-06 11:00:00+00:00", "2025-03-06T11:00:00+00:00")]
    [InlineData("2020-12-15 09:30", "2020-12-15T09:30:00+00:00")]
    [InlineData("2020-12-15T09:30", "2020-12-15T09:30:00+00:00")]
    [InlineData("2017-01-03", "2017-01-03T00:00:00+00:00")]
    [InlineData("2024-02-29", "2024-02-29T00:00:00+00:00")]
    [InlineData("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999+00:00")]
    public void Parses_iso_8601_forms_as_utc(string text, string canonical)
    {
        Assert.True(TimeParser.TryParse(text, out long ms), text);
        Assert.Equal(Expected(canonical), ms);
    }

    [Theory]
    [InlineData("1741258800", "2025-03-06T11:00:00+00:00")] // seconds
    [InlineData("1741258800000", "2025-03-06T11:00:00+00:00")] // milliseconds
    [InlineData("1741258800000000", "2025-03-06T11:00:00+00:00")] // microseconds (Binance spot since 2025)
    [InlineData("1741258800000000000", "2025-03-06T11:00:00+00:00")] // nanoseconds
    [InlineData("1741258800123456", "2025-03-06T11:00:00.123+00:00")] // µs below a millisecond are floored
    [InlineData("1741258800.5", "2025-03-06T11:00:00.5+00:00")] // fractional seconds
    [InlineData("1483401600", "2017-01-03T00:00:00+00:00")]
    [InlineData("0", "1970-01-01T00:00:00+00:00")]
    [InlineData("-86400", "1969-12-31T00:00:00+00:00")] // before 1970: negative seconds
    [InlineData("-1500", "1969-12-31T23:35:00+00:00")]
    [InlineData("99999999999", "5138-11-16T09:46:39+00:00")] // largest seconds value: 10^11 − 1
    [InlineData("100000000000", "1973-03-03T09:46:40+00:00")] // smallest milliseconds value: 10^11
    public void Detects_epoch_units_by_magnitude(string text, string canonical)
    {
        Assert.True(TimeParser.TryParse(text, out long ms), text);
        Assert.Equal(Expected(canonical), ms);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01/03/2017")] // month or day first? ambiguous: rejected
    [InlineData("03.01.2017")]
    [InlineData("2025-13-01")]
    [InlineData("2025-02-29")]
    [InlineData("2025-03-06T24:00:00Z")]
    [InlineData("2025-03-06T11:60")]
    [InlineData("2025-03-06T11")]
    [InlineData("2025-03-06T11:00:00.")]
    [InlineData("2025-03-06T11:00:00+25:00")]
    [InlineData("2025-03-06T11:00:00 UTC")]
    [InlineData("2025-3-6")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("12-34")]
    public void Rejects_other_forms(string text) => Assert.False(TimeParser.TryParse(text, out _), text);
}
