namespace QuantFeatures.Storage.Redis;

/// <summary>How a <see cref="RedisFeatureStore"/> lays out and keeps its keys.</summary>
public sealed record RedisFeatureStoreOptions
{
    /// <summary>The longest accepted <see cref="KeyPrefix"/>.</summary>
    public const int MaxKeyPrefixLength = 64;

    /// <summary>The default number of bars kept per series.</summary>
    public const int DefaultHistoryLength = 1_000;

    /// <summary>The prefix of every key and channel (default <c>qf:</c>): 1–64 ASCII letters, digits, ':', '_', '-' or '.'.</summary>
    public string KeyPrefix { get; init; } = "qf:";

    /// <summary>When set, every key of a series expires this long after its last write (a symbol that stops updating
    /// disappears); null: keys never expire.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>The number of bars retained per series (each with all its revisions); older bars are evicted by the write
    /// that exceeds it (1 – 10,000,000; default 1,000).</summary>
    public int HistoryLength { get; init; } = DefaultHistoryLength;

    /// <summary>The clock of every write's <see cref="RecordRevision.FetchedAt"/> (default: the system clock).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The Redis database number (-1: the connection's default).</summary>
    public int Database { get; init; } = -1;

    /// <summary>Checks every option; returns the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RedisFeatureStoreOptions Validate()
    {
        ValidateKeyPrefix(KeyPrefix);
        if (TimeToLive is { } ttl && ttl < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentException($"TimeToLive must be at least 1 ms (or null for no expiry), not {ttl}.", nameof(TimeToLive));
        }

        if (HistoryLength is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"HistoryLength must be between 1 and 10,000,000 bars, not {HistoryLength}.", nameof(HistoryLength));
        }

        ArgumentNullException.ThrowIfNull(Clock, nameof(Clock));
        if (Database < -1)
        {
            throw new ArgumentException($"Database must be -1 (the default) or a database number ≥ 0, not {Database}.", nameof(Database));
        }

        return this;
    }

    /// <summary>Accepts a key prefix of 1–64 ASCII letters, digits, ':', '_', '-' or '.'; returns it unchanged.</summary>
    /// <exception cref="ArgumentException">Any other prefix; the message names it and the rule.</exception>
    public static string ValidateKeyPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        bool ok = prefix.Length is > 0 and <= MaxKeyPrefixLength;
        foreach (char c in prefix)
        {
            ok &= char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-' or '.';
        }

        return ok
            ? prefix
            : throw new ArgumentException(
                $"Invalid key prefix '{string.Concat(prefix.Take(80).Select(c => char.IsControl(c) ? '?' : c))}': use 1–{MaxKeyPrefixLength} ASCII letters, digits, ':', '_', '-' or '.'.",
                nameof(prefix));
    }
}
