using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace QuantFeatures.Tests.Properties;

/// <summary>
/// FsCheck properties that every feature of the catalogue must satisfy (200 random frames each):
/// no look-ahead (prefix invariance; a changed future changes nothing before it), leading NaN = Lookback,
/// and no ±∞ nor exception for any finite-or-NaN input (flat prices, zero volume, NaN holes).
/// </summary>
public class CatalogPropertyTests
{
    private const int Cases = 200;
    private static readonly FeatureEngineer Engine = new();

    public static TheoryData<string> AllFeatures()
    {
        var data = new TheoryData<string>();
        foreach (var f in FeatureCatalog.Default.Features)
        {
            data.Add(f.Name);
        }

        return data;
    }

    private static void Check(string name, bool holes, bool degenerate, Action<FeatureDefinition, FrameCase> body, int minLength = 0)
    {
        var def = FeatureCatalog.Default.Get(name);
        var property = Prop.ForAll(RandomFrames.Cases(def, holes, degenerate, minLength), c => body(def, c));
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true), property);
    }

    private static double[] Column(MarketFrame frame, string name) => Engine.Compute(frame, name)[0].ToArray();

    [Theory]
    [MemberData(nameof(AllFeatures))]
    public void Prefix_invariance(string name) => Check(name, holes: true, degenerate: true, (def, c) =>
    {
        var frame = RandomFrames.Build(c);
        var whole = Column(frame, def.Name);
        int k = c.Cut;
        var prefix = Column(frame.Slice(0, Math.Min(k + 1, frame.Length)), def.Name);
        for (int t = 0; t < prefix.Length; t++)
        {
            Assert.True(prefix[t].Equals(whole[t]), $"{def.Name}[{t}]: {prefix[t]:R} on bars 0..{k}, {whole[t]:R} on the whole frame ({c})");
        }
    });

    [Theory]
    [MemberData(nameof(AllFeatures))]
    public void Changing_the_future_changes_nothing_before_it(string name) => Check(name, holes: true, degenerate: true, (def, c) =>
    {
        int k = c.Cut;
        var original = Column(RandomFrames.Build(c), def.Name);
        var changed = Column(RandomFrames.Build(c, c.Seed + 1, k + 1), def.Name);
        for (int t = 0; t <= k && t < original.Length; t++)
        {
            Assert.True(original[t].Equals(changed[t]), $"{def.Name}[{t}] changed from {original[t]:R} to {changed[t]:R} when bars after {k} changed ({c})");
        }
    });

    [Theory]
    [MemberData(nameof(AllFeatures))]
    public void Leading_NaN_count_equals_lookback_on_clean_input(string name) => Check(name, holes: false, degenerate: false, (def, c) =>
    {
        var frame = RandomFrames.Build(c);
        var values = Column(frame, def.Name);
        int lookback = def.Lookback(frame.Timeframe);
        int expected = Math.Min(lookback, frame.Length);
        int leading = Support.Approx.LeadingNaN(values);
        Assert.True(leading == expected, $"{def.Name}: {leading} leading NaN, lookback {lookback} ({c})");
    }, minLength: 1);

    [Theory]
    [MemberData(nameof(AllFeatures))]
    public void No_infinity_and_no_exception_on_degenerate_or_missing_data(string name) => Check(name, holes: true, degenerate: true, (def, c) =>
    {
        var values = Column(RandomFrames.Build(c), def.Name);
        for (int t = 0; t < values.Length; t++)
        {
            Assert.False(double.IsInfinity(values[t]), $"{def.Name}[{t}] = {values[t]} ({c})");
        }
    });
}
