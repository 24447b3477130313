using System.Globalization;

namespace QuantFeatures.Tests.Support;

/// <summary>Deterministic test series: synthetic OHLCV (seeded) and the real sample files.</summary>
public static class TestData
{
    public const long HourMs = 3_600_000;

    /// <summary>The repository root (found by walking up to QuantFeatures.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string SamplePath(params string[] parts) => Path.Combine([RepoRoot, "samples", "data", .. parts]);

    /// <summary>
    /// A seeded geometric random walk with consistent OHLC (H ≥ max(O, C), L ≤ min(O, C)), volume, quote volume,
    /// trades and taker-buy volume, at timeframe <paramref name="timeframe"/> starting 2025-01-01T00:00Z.
    /// </summary>
    public static MarketFrame Synthetic(int n, int seed = 42, Timeframe? timeframe = null, double start = 30_000, double sigma = 0.004)
    {
        var tf = timeframe ?? Timeframe.OneHour;
        var rnd = new Random(seed);
        var t = new long[n];
        var o = new double[n];
        var h = new double[n];
        var l = new double[n];
        var c = new double[n];
        var v = new double[n];
        var qv = new double[n];
        var trades = new double[n];
        var tb = new double[n];
        double p = start;
        long t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (int i = 0; i < n; i++)
        {
            t[i] = t0 + i * tf.Milliseconds;
            double open = p;
            p *= Math.Exp(sigma * Gauss(rnd));
            o[i] = open;
            c[i] = p;
            h[i] = Math.Max(open, p) * (1 + 0.002 * rnd.NextDouble());
            l[i] = Math.Min(open, p) * (1 - 0.002 * rnd.NextDouble());
            v[i] = Math.Round(100 + 1000 * rnd.NextDouble(), 3);
            qv[i] = v[i] * (h[i] + l[i] + c[i]) / 3;
            trades[i] = Math.Floor(50 + 500 * rnd.NextDouble());
            tb[i] = v[i] * (0.2 + 0.6 * rnd.NextDouble());
        }

        return new MarketFrameBuilder(tf).WithSymbol("SYNTH").WithTime(t)
            .WithColumn(MarketColumn.Open, o).WithColumn(MarketColumn.High, h).WithColumn(MarketColumn.Low, l).WithColumn(MarketColumn.Close, c)
            .WithColumn(MarketColumn.Volume, v).WithColumn(MarketColumn.QuoteVolume, qv).WithColumn(MarketColumn.Trades, trades)
            .WithColumn(MarketColumn.TakerBuyVolume, tb).Build();
    }

    public static double Gauss(Random rnd)
    {
        double u = 1.0 - rnd.NextDouble();
        double w = rnd.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * w);
    }

    /// <summary>Loads a sample kline CSV with columns open_time, open_time_ms, open, high, low, close, volume.</summary>
    public static MarketFrame LoadBinanceSample(string symbol = "BTCUSDT", string timeframe = "1h")
    {
        var path = SamplePath("binance-um-2025", timeframe, $"{symbol}-{timeframe}.csv");
        var lines = File.ReadAllLines(path).Skip(1).Where(s => s.Length > 0).ToArray();
        int n = lines.Length;
        var t = new long[n];
        var cols = new double[5][];
        for (int k = 0; k < 5; k++)
        {
            cols[k] = new double[n];
        }

        for (int i = 0; i < n; i++)
        {
            var f = lines[i].Split(',');
            t[i] = long.Parse(f[1], CultureInfo.InvariantCulture);
            for (int k = 0; k < 5; k++)
            {
                cols[k][i] = double.Parse(f[2 + k], CultureInfo.InvariantCulture);
            }
        }

        return MarketFrame.Create(Timeframe.Parse(timeframe), t, cols[0], cols[1], cols[2], cols[3], cols[4], symbol);
    }

    /// <summary>Loads a sample 1m kline file (<c>binance-um-2025/1m/SYMBOL-1m.csv.gz</c>, columns open_time, open_time_ms, OHLCV).</summary>
    public static MarketFrame LoadBinanceMinutes(string symbol = "BTCUSDT")
    {
        var path = SamplePath("binance-um-2025", "1m", $"{symbol}-1m.csv.gz");
        using var file = File.OpenRead(path);
        using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        _ = reader.ReadLine();
        var t = new List<long>();
        var cols = new List<double>[5];
        for (int k = 0; k < 5; k++)
        {
            cols[k] = [];
        }

        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var f = line.Split(',');
            t.Add(long.Parse(f[1], CultureInfo.InvariantCulture));
            for (int k = 0; k < 5; k++)
            {
                cols[k].Add(double.Parse(f[2 + k], CultureInfo.InvariantCulture));
            }
        }

        return MarketFrame.Create(Timeframe.OneMinute, t.ToArray(), cols[0].ToArray(), cols[1].ToArray(), cols[2].ToArray(), cols[3].ToArray(),
            cols[4].ToArray(), symbol);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantFeatures.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (QuantFeatures.sln).");
    }
}
