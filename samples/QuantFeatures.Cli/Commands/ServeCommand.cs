using System.Diagnostics;
using System.Globalization;
using QuantFeatures.Cli.CommandLine;
using QuantFeatures.Storage;
using QuantFeatures.Storage.Redis;
using QuantFeatures.Streaming;
using StackExchange.Redis;

namespace QuantFeatures.Cli.Commands;

/// <summary><c>serve</c>: replays a bar file through the streaming engine and publishes each latest row to Redis.</summary>
public sealed class ServeCommand : ICommand
{
    /// <summary>The most updates kept in flight (pipelined) before the oldest is awaited.</summary>
    public const int MaxInFlight = 1_024;

    /// <inheritdoc/>
    public string Name => "serve";

    /// <inheritdoc/>
    public string Summary => "Replay bars through the streaming engine and publish every latest feature row to Redis (the live store).";

    /// <inheritdoc/>
    public string Usage => "serve [--input FILE | --archive DIR] --store redis:HOST:PORT [--symbol S] [--timeframe TF] [--funding FILE] [--mark FILE] [--index FILE] "
        + "[--metrics FILE] [--liquidations FILE] [--resample-from TF] [--features a,b,… | --family F] [--warm-up N] [--rate BARS_PER_SECOND] [--key-prefix P] [--ttl SECONDS]";

    /// <inheritdoc/>
    public string Details => """
        Inputs are read as by `compute` (same options, point-in-time alignment of the derivatives files). The bars are then
        committed one by one to a StreamingFeatureEngine; after each one (past the first --warm-up bars, which only warm
        the engine) the engine's latest row is published to the Redis feature store: one atomic script per bar (row,
        revision history, TTL, notification on channel {prefix}feat:{symbol}:{tf}). Updates are pipelined (up to 1,024 in
        flight) unless --rate paces them. Re-serving the same file changes nothing (every row is reported unchanged).

        Examples:
          quantfeatures serve --input BTCUSDT-1h.csv --store redis:127.0.0.1:6379
          quantfeatures serve --input BTCUSDT-1h.csv --funding BTCUSDT-funding.csv --store redis:127.0.0.1:6379 --warm-up 500 --rate 2
        """;

    /// <inheritdoc/>
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("input", "FILE", "Bar CSV (.csv or .csv.gz). Default: the embedded BTCUSDT 1h sample.", 'i'),
        new("store", "redis:HOST:PORT", "The Redis server to publish to. Required."),
        new("symbol", "S", "Instrument name (default: the input file name up to its first '-')."),
        new("timeframe", "TF", "Bar length (default: inferred from the smallest time step).", 't'),
        new("features", "a,b,…", "Comma-separated feature names (default: every feature the data allows).", 'f'),
        new("family", "F", "Every available feature of a family (or comma-separated families)."),
        new("resample-from", "TF", "Read the input as bars of TF (e.g. 1m) and resample them to --timeframe."),
        new("funding", "FILE|DIR", "Funding settlements."),
        new("metrics", "FILE|DIR", "Binance metrics (open interest and long/short ratios)."),
        new("liquidations", "FILE|DIR", "Binance liquidationSnapshot events."),
        new("mark", "FILE|DIR", "Mark-price klines."),
        new("index", "FILE|DIR", "Index-price klines."),
        new("archive", "DIR", "A folder of Binance public-data files (needs --symbol and --timeframe)."),
        new("warm-up", "N", "Commit the first N bars without publishing them (default 0)."),
        new("rate", "BARS_PER_SECOND", "Publish at most this many bars a second (default: as fast as the server takes them)."),
        new("key-prefix", "P", "The store's key and channel prefix (default qf:)."),
        new("ttl", "SECONDS", "Expire a series' keys this long after its last update (default: never)."),
    ];

    /// <inheritdoc/>
    public int Execute(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        string endpoint = RedisEndpoint(args.Require("store"));
        var names = args.GetList("features");
        var families = args.GetList("family");
        if (names is not null && families is not null)
        {
            throw new UsageException("Use either --features or --family, not both.");
        }

        int warmUp = args.Get("warm-up") is "0" ? 0 : args.GetPositiveInt("warm-up", 0);
        double rate = args.Get("rate") is { } rateText ? PositiveNumber("rate", rateText) : double.PositiveInfinity;
        var options = new RedisFeatureStoreOptions
        {
            KeyPrefix = args.Get("key-prefix") ?? "qf:",
            TimeToLive = args.Get("ttl") is { } ttlText ? TimeSpan.FromSeconds(PositiveNumber("ttl", ttlText)) : null,
        }.Validate();

        Timeframe? timeframe = args.Get("timeframe") is { } tfText ? Timeframe.Parse(tfText) : null;
        var (frame, source) = MarketInput.Load(args, timeframe, storeIsInput: false); // here --store is the Redis to publish to
        string symbol = StoreIdentifiers.ValidateSymbol(args.Get("symbol") ?? (frame.Symbol.Length > 0 ? frame.Symbol : "default"));
        if (warmUp >= frame.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--warm-up {warmUp} leaves nothing to publish: the input has {frame.Length} bars."));
        }

        var familySet = families?.Select(FeatureFamilies.Parse).ToHashSet();
        var plan = ComputeCommand.Plan(new FeatureEngineer(), frame, names, familySet, out _);
        var engine = new StreamingFeatureEngine(frame.Timeframe, frame.Columns, plan, fundingSettlements: frame.FundingHistory is not null);
        if (frame.FundingHistory is { } history)
        {
            for (int i = 0; i < history.Count; i++)
            {
                engine.AddFundingSettlement(history.Time[i], history.Rate[i], history.IntervalHours[i], history.AvailableAt[i]);
            }
        }

        var counts = Publish(endpoint, options, engine, frame, symbol, warmUp, rate, out var elapsed);
        int published = frame.Length - warmUp;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"serve: {frame.Length} bars of {symbol} {frame.Timeframe} ({source}), {warmUp} warm-up, {published} published × {plan.Count} features → redis {endpoint} (prefix {options.KeyPrefix}): "
            + $"{counts[PublishStatus.Created]} created, {counts[PublishStatus.Revised]} revised, {counts[PublishStatus.Unchanged]} unchanged, {counts[PublishStatus.Rejected]} rejected "
            + $"in {elapsed.TotalMilliseconds:0} ms ({published / Math.Max(elapsed.TotalSeconds, 1e-9):0} updates/s)"));
        return CliApp.Success;
    }

    /// <summary>The endpoint of a <c>redis:HOST:PORT</c> store option.</summary>
    /// <exception cref="UsageException">Another store, or no host and port.</exception>
    public static string RedisEndpoint(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var uri = Stores.StoreUri.Parse(store);
        return uri.Scheme == Stores.StoreScheme.Redis
            ? uri.Target
            : throw new UsageException($"serve publishes to Redis: --store must be redis:HOST:PORT, not '{uri}'.");
    }

    private static Dictionary<PublishStatus, int> Publish(string endpoint, RedisFeatureStoreOptions options, StreamingFeatureEngine engine, MarketFrame frame,
        string symbol, int warmUp, double rate, out TimeSpan elapsed)
    {
        ConnectionMultiplexer connection;
        try
        {
            var config = ConfigurationOptions.Parse(endpoint);
            config.ConnectTimeout = 5_000;
            connection = ConnectionMultiplexer.Connect(config);
        }
        catch (RedisConnectionException ex)
        {
            throw new IOException($"Cannot reach Redis at {endpoint}: {ex.Message.Split('\n')[0]}", ex);
        }

        using (connection)
        {
            var store = new RedisFeatureStore(connection, options);
            var publisher = new RedisFeaturePublisher(store, engine, symbol);
            var bar = new StreamingBar();
            for (int t = 0; t < warmUp; t++)
            {
                engine.Update(bar.Load(frame, t));
            }

            var counts = Enum.GetValues<PublishStatus>().ToDictionary(s => s, _ => 0);
            var inFlight = new Queue<Task<PublishOutcome>>();
            var clock = Stopwatch.StartNew();
            try
            {
                for (int t = warmUp; t < frame.Length; t++)
                {
                    if (double.IsFinite(rate))
                    {
                        var due = TimeSpan.FromSeconds((t - warmUp) / rate);
                        if (due > clock.Elapsed)
                        {
                            Thread.Sleep(due - clock.Elapsed);
                        }
                    }

                    inFlight.Enqueue(publisher.UpdateAsync(bar.Load(frame, t)));
                    if (inFlight.Count >= MaxInFlight)
                    {
                        counts[inFlight.Dequeue().GetAwaiter().GetResult().Status]++;
                    }
                }

                while (inFlight.Count > 0)
                {
                    counts[inFlight.Dequeue().GetAwaiter().GetResult().Status]++;
                }
            }
            catch (RedisException ex)
            {
                throw new IOException($"Publishing to Redis at {endpoint} failed: {ex.Message.Split('\n')[0]}", ex);
            }

            elapsed = clock.Elapsed;
            return counts;
        }
    }

    private static double PositiveNumber(string option, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0
            ? v
            : throw new UsageException($"Option --{option} must be a positive number, not '{text}'.");
}
