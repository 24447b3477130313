namespace QuantFeatures.Storage.Sqlite;

/// <summary>How a <see cref="SqliteMarketStore"/> writes and waits.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The defaults: the system clock, a 30 s busy timeout, WAL with synchronous = NORMAL.</summary>
    public static SqliteStoreOptions Default { get; } = new();

    /// <summary>The clock of <see cref="RecordRevision.FetchedAt"/> (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a write waits for another writer (another connection or process) to finish its batch before it
    /// fails with SQLITE_BUSY (default 30 s).</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// false (default): synchronous = NORMAL, which in WAL mode keeps every batch atomic and the file consistent after a
    /// crash of the process or of the machine, but may lose the last committed batches on a power failure. true:
    /// synchronous = FULL, every committed batch survives a power failure (each commit waits for an fsync).
    /// </summary>
    public bool DurableCommits { get; init; }

    /// <summary>Test hook: called after each row a batch inserts (1, 2, …), inside the batch's transaction.</summary>
    internal Action<int>? AfterRowWritten { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "The busy timeout must be positive and below 24 days.");
        }
    }
}
