using QuantFeatures.Storage.Contract;

namespace QuantFeatures.Storage.Sqlite.Tests;

/// <summary>The shared raw-data contract against a fresh SQLite file per test.</summary>
public sealed class SqliteMarketStoreContractTests : MarketStoreContract
{
    protected override async Task<IMarketDataStore> CreateStoreAsync(TimeProvider clock) => await TempDir.NewStoreAsync(clock);
}

/// <summary>The shared feature-store contract against a fresh SQLite file per test.</summary>
public sealed class SqliteFeatureStoreContractTests : FeatureStoreContract
{
    protected override async Task<IFeatureStore> CreateFeatureStoreAsync(TimeProvider clock) => await TempDir.NewStoreAsync(clock);
}
