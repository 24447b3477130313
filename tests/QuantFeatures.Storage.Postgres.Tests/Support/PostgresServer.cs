using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace QuantFeatures.Storage.Postgres.Testing;

/// <summary>
/// The PostgreSQL server of a test or benchmark run: the connection string in the environment variable
/// <c>QF_POSTGRES</c> when it is set (CI), else a private throwaway server started from the installed binaries
/// (<c>/usr/lib/postgresql/*/bin</c>) in a temporary directory on a free 127.0.0.1 port, stopped and deleted when the
/// process exits. When neither is possible, <see cref="ConnectionStringAsync"/> throws with what to do: tests that need
/// the server fail, they never skip.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "QF_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(() => Task.Run(() => StartAsync(fast: true)));

    /// <summary>The connection string of the run's server (started on first use).</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    /// <summary>Starts a server without the test-only speed settings (benchmarks: fsync stays on).</summary>
    public static Task<string> StartDurableAsync() => StartAsync(fast: false);

    private static async Task<string> StartAsync(bool fast)
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            await CheckAsync(configured, $"the server of {EnvironmentVariable}").ConfigureAwait(false);
            return configured;
        }

        string bin = FindBinaries() ?? throw new InvalidOperationException(
            $"No PostgreSQL for the tests: set {EnvironmentVariable} to a connection string (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres), " +
            "or install the PostgreSQL server binaries (Debian: apt-get install postgresql) so that a throwaway server can be started from /usr/lib/postgresql/*/bin.");

        var dir = Directory.CreateTempSubdirectory("qf-pg-").FullName;
        bool root = Environment.UserName == "root";
        if (root)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres OS user.
            Run("chown", ["-R", "postgres:postgres", dir], asPostgres: false,
                "as root the throwaway server runs as the 'postgres' OS user, which must exist (Debian's postgresql package creates it)");
        }

        string data = Path.Combine(dir, "data");
        Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], root, "initdb failed");
        int port = FreePort();
        string settings = $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=200" +
            (fast
                ? " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                // Durable (benchmarks): fsync and full-page writes on, with the memory and WAL sizing of a server meant for
                // bulk loads instead of the 128 MB / 1 GB defaults, which a 1M-bar batch overflows.
                : " -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min -c wal_buffers=64MB");
        Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(dir, "server.log"), "-o", settings, "-w", "-t", "60", "start"], root,
            $"pg_ctl start failed (log: {Path.Combine(dir, "server.log")})");

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // The test host may be ended soon after its exit handlers start: signal the server without waiting, and leave
            // the removal of the directory to a detached shell that waits for the server to be gone.
            try
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "--no-wait", "stop"], root, "pg_ctl stop failed");
            }
            catch (InvalidOperationException)
            {
                // already stopped, or cannot be stopped: the directory is removed all the same
            }

            try
            {
                var cleaner = new ProcessStartInfo("setsid") { UseShellExecute = false };
                foreach (var a in new[] { "sh", "-c", "for i in $(seq 1 300); do [ -f \"$1/data/postmaster.pid\" ] || break; sleep 0.1; done; rm -rf \"$1\"", "qf-pg-cleaner", dir })
                {
                    cleaner.ArgumentList.Add(a);
                }

                Process.Start(cleaner)?.Dispose();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // no setsid: the temporary directory stays
            }
        };

        string cs = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=40";
        await CheckAsync(cs, "the throwaway server").ConfigureAwait(false);
        return cs;
    }

    private static async Task CheckAsync(string connectionString, string what)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            throw new InvalidOperationException($"Cannot connect to {what}: {e.Message}", e);
        }
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out int v) ? v : -1))
            .Where(d => File.Exists(Path.Combine(d.Dir, "bin", "initdb")) && File.Exists(Path.Combine(d.Dir, "bin", "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Dir, "bin"))
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string[] args, bool asPostgres, string failure)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"{failure}: could not start {psi.FileName}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{failure}: could not start {psi.FileName}: {e.Message}", e);
        }

        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"{failure}: {psi.FileName} {string.Join(' ', psi.ArgumentList)} exited with {p.ExitCode}: {stderr.Result}{stdout.Result}");
            }
        }
    }
}
