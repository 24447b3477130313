using System.Globalization;
using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// Every catalogue feature defined "as TA-Lib X" against TA-Lib C itself: the golden files in Golden/ were written by
/// tests/golden/generate.js through the node binding of TA-Lib (real BTCUSDT 1h, real daily stock bars, and a seeded
/// synthetic walk with flat zero-volume stretches). Equality within 1e-9 relative or 1e-12 absolute at every index,
/// NaN exactly where TA-Lib has no value (so the first valid index, the lookback, must match too).
/// </summary>
public class GoldenTests
{
    private const double Relative = 1e-9;
    private const double Absolute = 1e-12;

    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Golden");
    private static readonly Lazy<IReadOnlyDictionary<string, GoldenFile>> Files = new(() =>
        System.IO.Directory.GetFiles(Directory, "*.csv").Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), GoldenFile.Load, StringComparer.Ordinal));

    /// <summary>Every (golden file, TA-Lib catalogue feature) pair whose inputs the file has (the OI features need synthetic-oi.5m.csv).</summary>
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var file in Files.Value.Keys)
            {
                foreach (var f in TaLibFeatures.Where(f => f.MissingInputs(Files.Value[file].Frame).Count == 0))
                {
                    data.Add(file, f.Name);
                }
            }

            return data;
        }
    }

    private static IEnumerable<FeatureDefinition> TaLibFeatures => FeatureCatalog.Default.Features.Where(f => f.TaLibFunction is not null);

    [Fact]
    public void The_golden_suite_is_not_empty()
    {
        // Four files (two real, two synthetic, one of them with open interest) and at least the price TA-Lib features of the contract.
        Assert.True(Files.Value.Count >= 4, $"golden files: {Files.Value.Count}");
        Assert.True(TaLibFeatures.Count() >= 21, $"TA-Lib features in the catalogue: {TaLibFeatures.Count()}");
        foreach (var (name, file) in Files.Value)
        {
            Assert.True(file.Frame.Length >= 500, $"{name}: {file.Frame.Length} bars");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Feature_equals_TaLib_at_every_index(string file, string feature)
    {
        var golden = Files.Value[file];
        Assert.True(golden.Features.TryGetValue(feature, out var expected),
            $"{file} has no golden column for the TA-Lib feature '{feature}': add it to tests/golden/generate.js and regenerate.");
        var actual = new FeatureEngineer().Compute(golden.Frame, feature)[feature];
        Approx.Equal(expected, actual, Relative, Absolute, $"{file}:{feature}");

        // The first valid index is TA-Lib's begIndex = the catalogue lookback (the files have no NaN input). The synthetic
        // file starts with a flat stretch, where a value can itself be NaN (bb_position with upper = lower).
        int lookback = FeatureCatalog.Default.Get(feature).Lookback(golden.Frame.Timeframe);
        if (file.StartsWith("synthetic", StringComparison.Ordinal))
        {
            Assert.True(Approx.LeadingNaN(expected) >= lookback, $"{file}:{feature}: TA-Lib starts before the lookback {lookback}");
        }
        else
        {
            Assert.Equal(lookback, Approx.LeadingNaN(expected));
        }
    }

    [Fact]
    public void Synthetic_file_exercises_flat_windows_and_zero_volume()
    {
        var g = Files.Value["synthetic.1h.csv"];
        var c = g.Frame.Close;
        var v = g.Frame.Volume;
        int longest = 0, run = 0;
        for (int i = 1; i < c.Length; i++)
        {
            bool flat = c[i] == c[i - 1] && g.Frame.High[i] == g.Frame.Low[i] && v[i] == 0;
            run = flat ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        Assert.True(longest >= 30, $"longest flat zero-volume stretch: {longest + 1} bars");

        // TA-Lib's zero-denominator values are present in the golden columns: WILLR and fast-%K based values are 0 there.
        Assert.Contains(0.0, g.Features["willr_14"]);
        Assert.Contains(0.0, g.Features["rsi_14"]);
    }

    /// <summary>
    /// RSI(3) by hand on x = 10, 11, 10.5, 12, 12, 11.
    /// Changes: +1, −0.5, +1.5, 0, −1.
    /// Seed at index 3 (first 3 changes): G = (1 + 1.5) / 3 = 2.5/3, L = 0.5/3 → RSI = 100 · 2.5 / 3.0 = 83.333…
    /// Index 4 (change 0): G = (2.5/3 · 2 + 0) / 3 = 5/9, L = (0.5/3 · 2) / 3 = 1/9 → RSI = 100 · 5/6 = 83.333…
    /// Index 5 (change −1): G = (5/9 · 2) / 3 = 10/27, L = (1/9 · 2 + 1) / 3 = 11/27 → RSI = 100 · 10/21 = 47.619…
    /// A flat series has G = L = 0, and TA-Lib's RSI is then 0.
    /// </summary>
    [Fact]
    public void Rsi_by_hand()
    {
        double[] x = [10, 11, 10.5, 12, 12, 11];
        var d = new double[x.Length];
        Indicators.Rsi(x, 3, d);
        Approx.Equal([double.NaN, double.NaN, double.NaN, 250.0 / 3, 250.0 / 3, 1000.0 / 21], d, 1e-13, 1e-13, "rsi3");

        double[] flat = [5, 5, 5, 5, 5];
        Indicators.Rsi(flat, 3, d.AsSpan(0, flat.Length));
        Approx.Equal([double.NaN, double.NaN, double.NaN, 0, 0], d.AsSpan(0, flat.Length), 0, 0, "rsi3 flat");
    }

    /// <summary>
    /// WILLR(3) by hand. Bars (H, L, C): (10, 8, 9), (11, 9, 10), (12, 10, 11), (11, 7, 8), then (9, 9, 9) four times.
    /// Index 2 (bars 0-2): HH = 12, LL = 8, C = 11 → (12 − 11) / ((12 − 8) / −100) = 1 / −0.04 = −25.
    /// Index 3 (bars 1-3): HH = 12, LL = 7, C = 8 → (12 − 8) / (5 / −100) = −80.
    /// Index 4 (bars 2-4): HH = 12, LL = 7, C = 9 → (12 − 9) / −0.05 = −60.
    /// Index 5 (bars 3-5): HH = 11, LL = 7, C = 9 → (11 − 9) / −0.04 = −50.
    /// Index 6 and 7: HH = LL = 9, a zero range → TA-Lib's 0. A NaN close gives NaN on its bar only; a NaN high
    /// gives NaN for the 3 windows that hold it.
    /// </summary>
    [Fact]
    public void WillR_by_hand()
    {
        double[] h = [10, 11, 12, 11, 9, 9, 9, 9];
        double[] l = [8, 9, 10, 7, 9, 9, 9, 9];
        double[] c = [9, 10, 11, 8, 9, 9, 9, 9];
        var d = new double[h.Length];
        Indicators.WillR(h, l, c, 3, d);
        Approx.Equal([double.NaN, double.NaN, -25, -80, -60, -50, 0, 0], d, 1e-13, 1e-13, "willr3");

        c[6] = double.NaN;
        Indicators.WillR(h, l, c, 3, d);
        Approx.Equal([double.NaN, double.NaN, -25, -80, -60, -50, double.NaN, 0], d, 1e-13, 1e-13, "willr3 NaN close");

        c[6] = 9;
        h[3] = double.NaN;
        Indicators.WillR(h, l, c, 3, d);
        Approx.Equal([double.NaN, double.NaN, -25, double.NaN, double.NaN, double.NaN, 0, 0], d, 1e-13, 1e-13, "willr3 NaN high");
    }

    /// <summary>A loaded golden file: the input frame and TA-Lib's column per feature name.</summary>
    private sealed class GoldenFile
    {
        private GoldenFile(MarketFrame frame, Dictionary<string, double[]> features)
        {
            Frame = frame;
            Features = features;
        }

        public MarketFrame Frame { get; }

        public Dictionary<string, double[]> Features { get; }

        /// <summary>Reads <c>name.timeframe.csv</c>: time (Unix ms), open, high, low, close, volume, optionally open_interest, then
        /// feature columns.</summary>
        public static GoldenFile Load(string path)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var timeframe = Timeframe.Parse(name[(name.LastIndexOf('.') + 1)..]);
            var lines = File.ReadAllLines(path).Where(s => s.Length > 0).ToArray();
            var header = lines[0].Split(',');
            int n = lines.Length - 1;
            var time = new long[n];
            var cols = header.Skip(1).Select(_ => new double[n]).ToArray();
            for (int i = 0; i < n; i++)
            {
                var f = lines[i + 1].Split(',');
                Assert.Equal(header.Length, f.Length);
                time[i] = long.Parse(f[0], CultureInfo.InvariantCulture);
                for (int k = 1; k < f.Length; k++)
                {
                    cols[k - 1][i] = f[k].Length == 0 ? double.NaN : double.Parse(f[k], CultureInfo.InvariantCulture);
                }
            }

            Assert.Equal(["time", "open", "high", "low", "close", "volume"], header.Take(6));
            var frame = MarketFrame.Create(timeframe, time, cols[0], cols[1], cols[2], cols[3], cols[4], name);
            int first = 6;
            if (header.Length > 6 && header[6] == "open_interest")
            {
                frame = frame.With(MarketColumn.OpenInterest, cols[5]);
                first = 7;
            }

            var features = new Dictionary<string, double[]>(StringComparer.Ordinal);
            for (int k = first; k < header.Length; k++)
            {
                features[header[k]] = cols[k - 1];
            }

            return new GoldenFile(frame, features);
        }
    }
}
