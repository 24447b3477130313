namespace QuantFeatures.Storage.Postgres;

/// <summary>Options of a <see cref="PostgresMarketStore"/>.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>The default schema: <c>quantfeatures</c>.</summary>
    public const string DefaultSchema = "quantfeatures";

    /// <summary>The schema holding the store's tables (1–63 of a-z, 0-9, '_', starting with a letter or '_'; see
    /// <see cref="StoreIdentifiers.ValidateSqlName"/>). Created by <see cref="PostgresMarketStore.MigrateAsync"/>.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>The clock of every write's fetched_at (default: the system clock).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>When true (default), the first migration of a schema tries <c>CREATE EXTENSION IF NOT EXISTS
    /// timescaledb</c> and, when that succeeds, makes the time-series tables hypertables with a compression policy;
    /// when false, or when the extension is not available, the tables are natively RANGE-partitioned by month. The
    /// choice is made once per schema and kept in its settings table.</summary>
    public bool UseTimescaleDb { get; init; } = true;

    /// <summary>With TimescaleDB: chunks older than this are compressed by the policy (default 30 days).</summary>
    public TimeSpan CompressAfter { get; init; } = TimeSpan.FromDays(30);
}
