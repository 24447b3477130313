using System.Globalization;
using QuantFeatures.Cli.Stores;
using QuantFeatures.Cli.Tests.Support;
using QuantFeatures.Data;
using QuantFeatures.Storage;
using QuantFeatures.Storage.Sqlite;

namespace QuantFeatures.Cli.Tests;

/// <summary>ingest (files → store) and compute --store / --as-of / --out-store.</summary>
public class StoreCommandTests
{
    private static string Sample(params string[] parts) => Repo.Path(["samples", "data", "binance-um-2025", .. parts]);

    /// <summary>A synthetic archive with every derivatives kind (generate), and the ingest/compute options naming its files.</summary>
    private static (string[] Ingest, string[] Files) Synthetic(TempDir dir, int bars = 1_500)
    {
        string archive = dir.File("archive");
        CliRunner.Ok("generate", "--out", archive, "--bars", bars.ToString(CultureInfo.InvariantCulture));
        string F(string name) => Path.Combine(archive, name);
        string[] files =
        [
            "--input", F("SYNTHUSDT-1h.csv"), "--funding", F("SYNTHUSDT-fundingRate.csv"), "--metrics", F("SYNTHUSDT-metrics.csv"),
            "--liquidations", F("SYNTHUSDT-liquidationSnapshot.csv"), "--mark", F("SYNTHUSDT-1h-mark.csv"), "--index", F("SYNTHUSDT-1h-index.csv"),
        ];
        return ([.. files, "--symbol", "SYNTHUSDT", "--timeframe", "1h"], files);
    }

    private static Dictionary<string, (long Read, long Written)> Counts(string stdout)
    {
        var counts = new Dictionary<string, (long, long)>();
        foreach (var line in stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)))
        {
            var read = line.IndexOf(" read ", StringComparison.Ordinal);
            string head = line[..read].Trim();
            int split = head.LastIndexOf(' ');
            string kind = head[..split].Trim();
            long r = long.Parse(head[(split + 1)..], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            long w = long.Parse(line[(read + 6)..].Replace("new or changed", "", StringComparison.Ordinal).Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            counts[kind] = (r, w);
        }

        return counts;
    }

    [Fact]
    public async Task Ingest_stores_every_kind_and_re_running_it_stores_nothing()
    {
        using var dir = new TempDir();
        var (ingest, _) = Synthetic(dir);
        string db = dir.File("market.db");
        var first = CliRunner.Ok(["ingest", .. ingest, "--store", "sqlite:" + db]);
        var counts = Counts(first.Stdout);
        Assert.Equal(["klines", "funding", "open interest", "positioning", "liquidations", "mark prices", "index prices"], counts.Keys);
        Assert.Equal(1_500, counts["klines"].Read);
        Assert.All(counts, c => Assert.True(c.Value.Written > 0, $"{c.Key}: nothing written"));
        Assert.True(counts["liquidations"].Written < counts["liquidations"].Read, "the liquidation file holds exact duplicates, stored once");
        Assert.Contains("ingest: SYNTHUSDT 1h → sqlite:" + db, first.Stdout, StringComparison.Ordinal);

        await using (var store = new SqliteMarketStore(db))
        {
            Assert.Equal(1_500, await store.CountAsync(RecordKind.Kline, "SYNTHUSDT", Timeframe.OneHour));
            Assert.Equal(counts["funding"].Written, await store.CountAsync(RecordKind.Funding, "SYNTHUSDT"));
            Assert.Equal(counts["liquidations"].Written, await store.CountAsync(RecordKind.Liquidation, "SYNTHUSDT"));
            Assert.Equal(counts["mark prices"].Written + counts["index prices"].Written, await store.CountAsync(RecordKind.ReferencePrice, "SYNTHUSDT"));
        }

        var again = Counts(CliRunner.Ok(["ingest", .. ingest, "--store", "sqlite:" + db]).Stdout);
        Assert.Equal(counts.Keys, again.Keys);
        Assert.All(again, c => Assert.Equal((counts[c.Key].Read, 0L), c.Value));
    }

    [Fact]
    public void Compute_from_the_store_gives_the_bytes_of_compute_from_the_files()
    {
        using var dir = new TempDir();
        var (ingest, files) = Synthetic(dir);
        string db = dir.File("market.db");
        CliRunner.Ok(["ingest", .. ingest, "--store", "sqlite:" + db]);

        string fromFiles = dir.File("files.csv"), fromStore = dir.File("store.csv");
        CliRunner.Ok(["compute", .. files, "--out", fromFiles]);
        var r = CliRunner.Ok("compute", "--store", "sqlite:" + db, "--symbol", "SYNTHUSDT", "--timeframe", "1h", "--out", fromStore);
        Assert.Contains("funding, open interest, positioning, liquidations, mark/index prices", r.Stdout, StringComparison.Ordinal);
        var expected = File.ReadAllBytes(fromFiles);
        Assert.True(OutputCsv.Load(fromFiles).Header.Length > 150, "the synthetic market should give the derivatives features too");
        Assert.Equal(expected, File.ReadAllBytes(fromStore));

        // The real sample with funding and mark prices, through the stream engine as well.
        string btc = dir.File("btc.db");
        string[] real = ["--input", Sample("1h", "BTCUSDT-1h.csv"), "--funding", Sample("funding", "BTCUSDT-funding.csv"), "--mark", Sample("mark-8h", "BTCUSDT-8h-mark.csv")];
        CliRunner.Ok(["ingest", .. real, "--symbol", "BTCUSDT", "--timeframe", "1h", "--store", "sqlite:" + btc]);
        CliRunner.Ok(["compute", .. real, "--out", fromFiles, "--engine", "stream"]);
        CliRunner.Ok("compute", "--store", "sqlite:" + btc, "--symbol", "BTCUSDT", "--timeframe", "1h", "--out", fromStore, "--engine", "stream");
        Assert.Equal(File.ReadAllBytes(fromFiles), File.ReadAllBytes(fromStore));
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("postgres")]
    public async Task Every_raw_data_store_gives_the_bytes_of_compute_from_the_files_and_re_ingest_stores_nothing(string scheme)
    {
        using var dir = new TempDir();
        var (ingest, files) = Synthetic(dir, bars: 800);
        string store = scheme == "parquet"
            ? "parquet:" + dir.File("pq")
            : $"postgres:{await QuantFeatures.Storage.Postgres.Testing.PostgresServer.ConnectionStringAsync()};schema=cli_{Guid.NewGuid():N}";
        var first = Counts(CliRunner.Ok(["ingest", .. ingest, "--store", store]).Stdout);
        Assert.All(first, c => Assert.True(c.Value.Written > 0, $"{c.Key}: nothing written"));
        var again = Counts(CliRunner.Ok(["ingest", .. ingest, "--store", store]).Stdout);
        Assert.All(again, c => Assert.Equal((first[c.Key].Read, 0L), c.Value));

        string fromFiles = dir.File("files.csv"), fromStore = dir.File("store.csv");
        CliRunner.Ok(["compute", .. files, "--out", fromFiles]);
        CliRunner.Ok("compute", "--store", store, "--symbol", "SYNTHUSDT", "--timeframe", "1h", "--out", fromStore);
        Assert.Equal(File.ReadAllBytes(fromFiles), File.ReadAllBytes(fromStore));

        // The features into the same store, then again: nothing new.
        CliRunner.Ok("compute", "--store", store, "--symbol", "SYNTHUSDT", "--timeframe", "1h", "--out-store", store);
        var twice = CliRunner.Ok("compute", "--store", store, "--symbol", "SYNTHUSDT", "--timeframe", "1h", "--out-store", store);
        Assert.Contains("(0 value(s) new or changed)", twice.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_postgres_server_is_a_user_error_that_never_shows_the_password()
    {
        var line = CliRunner.Run("compute", "--store", "postgres:Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Timeout=3", "--symbol", "A", "--timeframe", "1h",
            "--out", "f.csv").AssertSingleLineError(CliApp.UserError);
        Assert.Contains("--store postgres:(connection string): cannot use the database", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres:Host=h;Database=d", "host=h;database=d", null)]
    [InlineData("postgres:Host=h;Database=d;schema=qf_test", "host=h;database=d", "qf_test")]
    [InlineData("postgres://u:p%40ss@db.example:6432/market?sslmode=disable&schema=s1", "host=db.example;port=6432;username=u;password=p@ss;database=market;sslmode=disable", "s1")]
    [InlineData("postgresql://u@h/d", "host=h;username=u;database=d", null)]
    public void Postgres_targets_become_connection_strings_and_a_schema(string text, string connection, string? schema)
    {
        var (actual, actualSchema) = StoreUri.Parse(text).PostgresTarget();
        Assert.Equal(connection, actual);
        Assert.Equal(schema, actualSchema);
    }

    [Fact]
    public void As_of_reads_the_store_before_a_correction()
    {
        using var dir = new TempDir();
        string original = Sample("1h", "BTCUSDT-1h.csv");
        var lines = File.ReadAllLines(original);
        // Correct the close of one bar (line 400) the way an exchange re-publishes a bar.
        var cells = lines[400].Split(',');
        int close = Array.IndexOf(lines[0].Split(','), "close");
        Assert.True(close > 0, "the sample has a close column");
        cells[close] = (double.Parse(cells[close], CultureInfo.InvariantCulture) * 1.01).ToString("R", CultureInfo.InvariantCulture);
        lines[400] = string.Join(',', cells);
        string corrected = dir.Write("BTCUSDT-1h-corrected.csv", string.Join('\n', lines) + "\n");

        string db = "sqlite:" + dir.File("m.db");
        CliRunner.Ok("ingest", "--input", original, "--symbol", "BTCUSDT", "--timeframe", "1h", "--store", db);
        Thread.Sleep(20);
        string between = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        Thread.Sleep(20);
        var second = Counts(CliRunner.Ok("ingest", "--input", corrected, "--symbol", "BTCUSDT", "--timeframe", "1h", "--store", db).Stdout);
        Assert.Equal((719L, 1L), second["klines"]);

        string latest = dir.File("latest.csv"), asOf = dir.File("asof.csv"), fromOriginal = dir.File("original.csv"), fromCorrected = dir.File("corrected.csv");
        CliRunner.Ok("compute", "--input", original, "--out", fromOriginal);
        CliRunner.Ok("compute", "--input", corrected, "--out", fromCorrected);
        CliRunner.Ok("compute", "--store", db, "--symbol", "BTCUSDT", "--timeframe", "1h", "--out", latest);
        var r = CliRunner.Ok("compute", "--store", db, "--symbol", "BTCUSDT", "--timeframe", "1h", "--out", asOf, "--as-of", between);
        Assert.Contains("as of " + between, r.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllBytes(fromOriginal), File.ReadAllBytes(fromCorrected));
        Assert.Equal(File.ReadAllBytes(fromCorrected), File.ReadAllBytes(latest));
        Assert.Equal(File.ReadAllBytes(fromOriginal), File.ReadAllBytes(asOf));
    }

    [Fact]
    public async Task Out_store_writes_the_feature_matrix_once()
    {
        using var dir = new TempDir();
        string csv = dir.File("f.csv"), db = dir.File("features.db");
        var r = CliRunner.Ok("compute", "--out", csv, "--out-store", "sqlite:" + db);
        var output = OutputCsv.Load(csv);
        int values = output.Rows.Length * (output.Header.Length - 1);
        Assert.Contains($"and sqlite:{db} ({values} value(s) new or changed)", r.Stdout, StringComparison.Ordinal);

        await using (var store = new SqliteMarketStore(db))
        {
            var stored = await store.ReadFeaturesAsync("BTCUSDT", Timeframe.OneHour, TimeRange.All);
            Assert.Equal(output.FeatureNames, stored.Names);
            Assert.Equal(output.Rows.Length, stored.RowCount);
            foreach (var name in stored.Names)
            {
                var expected = output.Column(name);
                var actual = stored[name].ToArray();
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(double.IsNaN(expected[i]) ? double.IsNaN(actual[i]) : expected[i] == actual[i], $"{name} row {i}: {expected[i]:R} in the CSV, {actual[i]:R} stored");
                }
            }

            Assert.Equal(FeatureCatalog.CatalogVersion, (await store.ReadFeatureInfoAsync("BTCUSDT", Timeframe.OneHour))!.CatalogVersion);
        }

        // Without --out, into the store only; the same matrix again changes nothing.
        var again = CliRunner.Ok("compute", "--out-store", "sqlite:" + db);
        Assert.Contains($"→ sqlite:{db} (0 value(s) new or changed)", again.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "compute", "--store", "sqlite:x.db", "--input", "a.csv", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "--store reads every input from the store")]
    [InlineData(new[] { "compute", "--as-of", "2025-01-01", "--out", "f.csv" }, "--as-of reads a store as known at a time: it needs --store")]
    [InlineData(new[] { "compute", "--store", "mysql:db", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "--store must be one of sqlite:PATH")]
    [InlineData(new[] { "compute", "--store", "sqlite:", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "--store sqlite: needs what to open")]
    [InlineData(new[] { "compute", "--store", "parquet:/no/such/parquet/store", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "--store parquet:/no/such/parquet/store: no such folder")]
    [InlineData(new[] { "compute", "--store", "postgres:Host=db;Password=hunter2;=", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "not a valid connection string")]
    [InlineData(new[] { "compute", "--store", "redis:localhost", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "a redis store is redis:HOST:PORT")]
    [InlineData(new[] { "compute", "--store", "sqlite:/no/such/store.db", "--symbol", "A", "--timeframe", "1h", "--out", "f.csv" }, "no such file")]
    [InlineData(new[] { "compute", "--store", "sqlite:x.db", "--timeframe", "1h", "--out", "f.csv" }, "--store needs --symbol")]
    [InlineData(new[] { "ingest", "--input", "a.csv", "--symbol", "A", "--timeframe", "1h" }, "Command 'ingest' needs --store")]
    [InlineData(new[] { "ingest", "--input", "no-such.csv", "--symbol", "A", "--timeframe", "1h", "--store", "sqlite:x.db" }, "--input: no such file")]
    public void Store_option_mistakes_are_usage_errors(string[] args, string message)
    {
        var line = CliRunner.Run(args).AssertSingleLineError(CliApp.UsageError);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_symbol_or_a_store_file_that_is_no_database_is_a_user_error()
    {
        using var dir = new TempDir();
        string bars = Sample("1h", "BTCUSDT-1h.csv");
        var hostile = CliRunner.Run("ingest", "--input", bars, "--symbol", "BTC'; DROP TABLE klines;--", "--timeframe", "1h", "--store", "sqlite:" + dir.File("m.db"));
        Assert.Contains("Invalid symbol", hostile.AssertSingleLineError(CliApp.UserError), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("m.db")));

        string notes = dir.Write("notes.db", string.Concat(Enumerable.Repeat("not a database\n", 100)));
        var line = CliRunner.Run("compute", "--store", "sqlite:" + notes, "--symbol", "BTCUSDT", "--timeframe", "1h", "--out", dir.File("f.csv")).AssertSingleLineError(CliApp.UserError);
        Assert.Contains("not a usable SQLite database", line, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("f.csv")));
    }

    [Theory]
    [InlineData("sqlite:data/market.db", StoreScheme.Sqlite, "data/market.db")]
    [InlineData("sqlite:/abs/m.db", StoreScheme.Sqlite, "/abs/m.db")]
    [InlineData("parquet:/data/pq", StoreScheme.Parquet, "/data/pq")]
    [InlineData("postgres:Host=h;Database=d", StoreScheme.Postgres, "Host=h;Database=d")]
    [InlineData("postgres://u@h:5432/d", StoreScheme.Postgres, "postgres://u@h:5432/d")]
    [InlineData("redis:cache.local:6380", StoreScheme.Redis, "cache.local:6380")]
    public void Store_uris_parse(string text, StoreScheme scheme, string target) =>
        Assert.Equal(new StoreUri(scheme, target), StoreUri.Parse(text));
}
