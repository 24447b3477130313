using QuantFeatures.Storage.Contract;
using Xunit;

namespace QuantFeatures.Storage.Redis.Tests;

/// <summary>The shared feature-store contract, against the Redis store's retained history (every rule holds: the
/// contract's series fit the default history of 1,000 bars).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFeatureStoreContractTests(RedisServer redis) : FeatureStoreContract
{
    protected override Task<IFeatureStore> CreateFeatureStoreAsync(TimeProvider clock) =>
        Task.FromResult<IFeatureStore>(new RedisFeatureStore(redis.Connection, new RedisFeatureStoreOptions { KeyPrefix = RedisServer.UniquePrefix(), Clock = clock }));
}
