using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using QuantFeatures.Storage.Redis;
using QuantFeatures.Streaming;
using StackExchange.Redis;

namespace QuantFeatures.Benchmarks;

/// <summary>
/// The Redis live feature store on a loopback server (QF_REDIS, else a private redis-server from PATH started here):
/// publishing the streaming engine's latest row (158 features of the 1m bench frame with derivatives, each update one
/// atomic script) pipelined 1,000 at a time and awaited one by one, and reading 100 symbols' latest rows in one call.
/// Per-operation times; updates/s = 1 / time of <see cref="PublishPipelined"/> (engine step included) or of
/// <see cref="PublishRowPipelined"/> (the store alone).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[WarmupCount(2)]
[IterationCount(6)]
public class RedisStoreBenchmarks
{
    private const int Batch = 1_000;
    private Process? _server;
    private ConnectionMultiplexer _connection = null!;
    private RedisFeatureStore _store = null!;
    private RedisFeaturePublisher _publisher = null!;
    private MarketFrame _frame = null!;
    private readonly StreamingBar _bar = new();
    private readonly Task<PublishOutcome>[] _pending = new Task<PublishOutcome>[Batch];
    private string[] _symbols = null!;
    private FeatureLayout _layout = null!;
    private double[] _row = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        string endpoint = Environment.GetEnvironmentVariable("QF_REDIS") is { Length: > 0 } e ? e : StartServer();
        _connection = ConnectionMultiplexer.Connect(endpoint);
        _store = new RedisFeatureStore(_connection, new RedisFeatureStoreOptions { KeyPrefix = "qfbench:" + Guid.NewGuid().ToString("N")[..8] + ":" });
        _frame = BenchData.WithDerivatives(BenchData.Frame(400_000));
        var names = FeatureCatalog.Default.AvailableFor(_frame).Where(f => f.Family != FeatureFamily.Microstructure).Select(f => f.Name).ToArray();
        var warm = _frame.Slice(0, 50_000);
        _publisher = new RedisFeaturePublisher(_store, StreamingFeatureEngine.WarmStart(warm, names), "BTCUSDT");
        _next = warm.Length;
        _publisher.PublishLatestAsync().GetAwaiter().GetResult();

        _symbols = [.. Enumerable.Range(0, 100).Select(i => $"SYM{i:000}USDT")];
        var row = new double[names.Length];
        var layout = FeatureLayout.Create(names);
        _layout = layout;
        _row = Enumerable.Range(0, names.Length).Select(i => i * 0.25).ToArray();
        Task.WhenAll(_symbols.Select((s, i) => _store.PublishAsync(s, _frame.Timeframe, _frame.Time[i], layout, row.Select(v => v + i).ToArray()))).GetAwaiter().GetResult();
        Console.WriteLine($"// {names.Length} features; Redis at {endpoint}");
    }

    /// <summary>One update = engine step + one publish script; 1,000 in flight, then all awaited.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task PublishPipelined()
    {
        for (int k = 0; k < Batch; k++)
        {
            _pending[k] = _publisher.UpdateAsync(_bar.Load(_frame, Next()));
        }

        foreach (var t in _pending)
        {
            await t;
        }
    }

    /// <summary>The store alone: one precomputed row published per bar (no engine step), 1,000 in flight.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task PublishRowPipelined()
    {
        for (int k = 0; k < Batch; k++)
        {
            _pending[k] = _store.PublishAsync("ROWONLY", _frame.Timeframe, _frame.Time[Next()], _layout, _row);
        }

        foreach (var t in _pending)
        {
            await t;
        }
    }

    /// <summary>One update awaited before the next (the round-trip latency of a publish).</summary>
    [Benchmark]
    public async Task<PublishOutcome> PublishAwaited() => await _publisher.UpdateAsync(_bar.Load(_frame, Next()));

    /// <summary>The latest rows of 100 symbols: one script call.</summary>
    [Benchmark]
    public async Task<int> ReadLatest100() => (await _store.ReadLatestAsync(_symbols, _frame.Timeframe)).Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit(5_000);
        }

        _server?.Dispose();
    }

    private int Next()
    {
        if (_next == _frame.Length)
        {
            throw new InvalidOperationException("The bench frame ran out of bars; lower the iteration count.");
        }

        return _next++;
    }

    private string StartServer()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(a);
        }

        _server = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (set QF_REDIS=host:port or install redis-server).");
        _server.BeginOutputReadLine();
        string endpoint = $"127.0.0.1:{port}";
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var probe = ConnectionMultiplexer.Connect(endpoint + ",abortConnect=false,connectTimeout=500");
                probe.GetDatabase().Ping();
                return endpoint;
            }
            catch (RedisException)
            {
                Thread.Sleep(100);
            }
        }

        throw new InvalidOperationException($"The private redis-server at {endpoint} does not answer.");
    }
}
