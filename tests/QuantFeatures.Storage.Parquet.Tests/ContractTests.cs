using QuantFeatures.Storage.Contract;

namespace QuantFeatures.Storage.Parquet.Tests;

/// <summary>The shared raw-data store contract against a fresh store directory.</summary>
public sealed class ParquetMarketStoreContractTests : MarketStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override async Task<IMarketDataStore> CreateStoreAsync(TimeProvider clock)
    {
        var store = new ParquetMarketStore(Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")), new ParquetStoreOptions { TimeProvider = clock, Durable = false });
        await store.MigrateAsync();
        return store;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The shared feature store contract against a fresh store directory.</summary>
public sealed class ParquetFeatureStoreContractTests : FeatureStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override async Task<IFeatureStore> CreateFeatureStoreAsync(TimeProvider clock)
    {
        var store = new ParquetMarketStore(Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")), new ParquetStoreOptions { TimeProvider = clock, Durable = false });
        await store.MigrateAsync();
        return store;
    }

    public void Dispose() => _dir.Dispose();
}
