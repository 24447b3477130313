using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantFeatures.Storage.Csv.Internal;
using Xunit;

namespace QuantFeatures.Storage.Csv.Tests;

public class ParsingTests
{
    private static double Parse(string s) => Utf8Number.TryParseDouble(Encoding.UTF8.GetBytes(s), out double v) ? v : throw new FormatException(s);

    /// <summary>The fast path must give exactly the runtime's correctly rounded result, for every way numbers are written.</summary>
    [Property(MaxTest = 1000)]
    public Property Number_parser_is_bit_identical_to_double_Parse()
    {
        var formats = Gen.Elements("R", "F0", "F1", "F2", "F4", "F8", "F12", "G17", "E5", "0.##############");
        var values = Gen.OneOf(
            ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => f.Get),
            Gen.Choose(-1_000_000_000, 1_000_000_000).Select(i => i / 1000.0),
            Gen.Choose(0, int.MaxValue).Select(i => i * 1e-12));
        return Prop.ForAll(Arb.From(Gen.Zip(values, formats)), t =>
        {
            string s = t.Item1.ToString(t.Item2, CultureInfo.InvariantCulture);
            double expected = double.Parse(s, CultureInfo.InvariantCulture);
            return BitConverter.DoubleToInt64Bits(Parse(s)) == BitConverter.DoubleToInt64Bits(expected);
        });
    }

    [Theory]
    [InlineData("95505.40", 95505.4)]
    [InlineData("0.00012345", 0.00012345)]
    [InlineData("-6.12e-06", -0.00000612)]
    [InlineData("6.818E-05", 0.00006818)]
    [InlineData("+3", 3.0)]
    [InlineData(".5", 0.5)]
    [InlineData("12345678901234567890.5", 12345678901234567890.5)]
    public void Numbers(string text, double expected) => Assert.Equal(expected, Parse(text));

    [Fact]
    public void Missing_and_special_numbers()
    {
        Assert.True(double.IsNaN(Parse("")));
        Assert.True(double.IsNaN(Parse("NaN")));
        Assert.True(double.IsNegative(Parse("-0")) && Parse("-0") == 0);
        foreach (var bad in new[] { "abc", "1,5", "1.2.3", "-", ".", "1e", "0x10" })
        {
            Assert.False(Utf8Number.TryParseDouble(Encoding.UTF8.GetBytes(bad), out _), bad);
        }
    }

    private static long Time(string s) => Utf8Time.TryParse(Encoding.UTF8.GetBytes(s), out long ms) ? ms : throw new FormatException(s);

    [Fact]
    public void Times_in_every_unit_and_form()
    {
        long expected = new DateTimeOffset(2025, 5, 1, 0, 5, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(expected, Time("1746057900"));          // seconds
        Assert.Equal(expected, Time("1746057900000"));       // milliseconds
        Assert.Equal(expected, Time("1746057900000000"));    // microseconds
        Assert.Equal(expected, Time("1746057900000000000")); // nanoseconds
        Assert.Equal(expected + 999, Time("1746057900999999")); // µs floored to ms
        Assert.Equal(expected, Time("2025-05-01 00:05:00")); // Binance metrics create_time, UTC
        Assert.Equal(expected, Time("2025-05-01T00:05:00Z"));
        Assert.Equal(expected, Time("2025-05-01T02:05:00+02:00"));
        Assert.Equal(expected + 123, Time("2025-05-01T00:05:00.1239Z"));
        Assert.Equal(expected, Time("2025-05-01T00:05"));
        Assert.Equal(expected - 300_000, Time("2025-05-01"));
        Assert.Equal(expected + 500, Time("1746057900.5"));
    }

    [Property(MaxTest = 300)]
    public Property Epoch_ms_and_us_agree(int offsetMinutes, byte subMs)
    {
        long ms = 1_600_000_000_000L + (offsetMinutes * 60_000L) + (subMs % 250);
        long us = (ms * 1000) + (subMs % 1000);
        return (Time(ms.ToString(CultureInfo.InvariantCulture)) == ms && Time(us.ToString(CultureInfo.InvariantCulture)) == ms).ToProperty();
    }

    [Fact]
    public void Bad_times_are_rejected()
    {
        foreach (var bad in new[] { "", "05/01/2025", "2025-13-01", "2025-02-30", "2025-05-01T25:00", "2025-05-01X", "abc", "1.2.3" })
        {
            Assert.False(Utf8Time.TryParse(Encoding.UTF8.GetBytes(bad), out _), bad);
        }
    }
}
