using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace QuantFeatures.Storage.Redis.Tests;

/// <summary>
/// The Redis server of a test run: QF_REDIS (host:port) when set; otherwise a private <c>redis-server</c> from PATH on a
/// free loopback port, without persistence, stopped at the end. Neither possible: every test that needs it fails with a
/// message saying so (never a silent skip). Linked into the CLI tests too, so it names xUnit types in full.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process? _process;
    private readonly Lazy<ConnectionMultiplexer> _connection;
    private readonly Lazy<ConnectionMultiplexer> _admin;

    public RedisServer()
    {
        string? external = Environment.GetEnvironmentVariable("QF_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            Endpoint = external.Trim();
        }
        else
        {
            int port = FreePort();
            var start = new ProcessStartInfo("redis-server")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            {
                start.ArgumentList.Add(a);
            }

            try
            {
                _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                StartError = $"No Redis server for the tests: QF_REDIS is not set and redis-server is not on PATH ({ex.Message}). Install it (apt-get install -y redis-server) or set QF_REDIS=host:port.";
            }

            _process?.BeginOutputReadLine();
            _process?.BeginErrorReadLine();
            Endpoint = $"127.0.0.1:{port}";
        }

        _connection = new(() => Connect(admin: false));
        _admin = new(() => Connect(admin: true));
    }

    public string Endpoint { get; }

    private string? StartError { get; }

    /// <summary>A shared connection.</summary>
    public ConnectionMultiplexer Connection => _connection.Value;

    /// <summary>A shared connection allowed admin commands (CLIENT KILL, INFO).</summary>
    public ConnectionMultiplexer Admin => _admin.Value;

    /// <summary>A new connection (for tests that need their own, e.g. one to kill).</summary>
    public ConnectionMultiplexer Connect(bool admin = false, string? name = null)
    {
        if (StartError is not null)
        {
            throw new InvalidOperationException(StartError);
        }

        var options = ConfigurationOptions.Parse(Endpoint);
        options.AllowAdmin = admin;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2_000;
        if (name is not null)
        {
            options.ClientName = name;
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var c = ConnectionMultiplexer.Connect(options);
            try
            {
                c.GetDatabase().Ping();
                return c;
            }
            catch (RedisException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                c.Dispose();
                Thread.Sleep(100);
            }
            catch (RedisException ex)
            {
                c.Dispose();
                throw new InvalidOperationException($"No Redis server answers at {Endpoint} ({(_process is null ? "QF_REDIS" : "the private redis-server")}): {ex.Message}", ex);
            }
        }
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => "qft:" + Guid.NewGuid().ToString("N")[..12] + ":";

    /// <summary>The keys under a prefix.</summary>
    public List<string> Keys(string prefix) =>
        [.. Admin.GetServers()[0].Keys(pattern: prefix + "*", pageSize: 1000).Select(k => (string)k!)];

    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }

        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5_000);
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[Xunit.CollectionDefinition(Name)]
public sealed class RedisCollection : Xunit.ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
