using QuantFeatures.Storage.Contract;
using QuantFeatures.Storage.Postgres.Tests.Support;

namespace QuantFeatures.Storage.Postgres.Tests;

/// <summary>The shared raw-data rules, each test on a fresh migrated schema.</summary>
public sealed class PostgresMarketStoreContractTests : MarketStoreContract
{
    protected override async Task<IMarketDataStore> CreateStoreAsync(TimeProvider clock) => await TestStores.NewAsync(clock);
}

/// <summary>The shared feature-store rules, each test on a fresh migrated schema.</summary>
public sealed class PostgresFeatureStoreContractTests : FeatureStoreContract
{
    protected override async Task<IFeatureStore> CreateFeatureStoreAsync(TimeProvider clock) => await TestStores.NewAsync(clock);
}
