namespace QuantFeatures.Streaming;

/// <summary>
/// The incremental form of each catalogue feature: a factory that creates the feature's stream for an engine (resolving
/// the features it reads; most features of a family are members of one fused step). One registration file per family;
/// the catalogue entry stays the single definition (name, inputs, lookback, documentation), and a test holds every
/// stream to its batch kernel bit for bit.
/// </summary>
internal static partial class StreamCatalog
{
    private static readonly Dictionary<string, int> Positions =
        FeatureCatalog.Default.Features.Select((f, i) => (f.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);

    /// <summary>The length of an engine's values: one per catalogue feature, at its catalogue position, and the scratch value
    /// last (where a fused step's runner returns). A static read-only value, so a constant to the optimizing JIT.</summary>
    internal static readonly int ValueCount = FeatureCatalog.Default.Count + 1;

    /// <summary>The scratch value's position (<see cref="ValueCount"/> − 1).</summary>
    internal static int Scratch => ValueCount - 1;

    /// <summary>Where the engine keeps <paramref name="name"/>'s value: its position in the catalogue.</summary>
    /// <exception cref="ArgumentException">Not a catalogue feature.</exception>
    internal static int Position(string name) =>
        Positions.TryGetValue(name, out int position) ? position : throw new ArgumentException($"Unknown feature '{name}'.", nameof(name));

    private static readonly Builder Registered = Build();
    private static readonly Dictionary<string, Func<StreamContext, FeatureStream>> Factories = Registered.Map;

    /// <summary>Whether the feature has a stream.</summary>
    public static bool Has(string name) => Factories.ContainsKey(name);

    /// <summary>The factory of a feature's stream.</summary>
    public static bool TryGet(string name, out Func<StreamContext, FeatureStream> factory) => Factories.TryGetValue(name, out factory!);

    /// <summary>What the feature's stream remembers at the engine's timeframe (<see cref="StreamMemory.Unbounded"/> unless declared).</summary>
    public static StreamMemory MemoryOf(string name, StreamContext ctx) =>
        Registered.Memories.TryGetValue(name, out var memory) ? memory(ctx) : StreamMemory.Unbounded;

    private static Builder Build()
    {
        var b = new Builder();
        RegisterPrice(b);
        RegisterVolume(b);
        RegisterDerivatives(b);
        RegisterTimeQuality(b);
        RegisterMicrostructure(b);
        DeclareMemory(b);
        return b;
    }

    static partial void RegisterPrice(Builder b);

    static partial void RegisterVolume(Builder b);

    static partial void RegisterDerivatives(Builder b);

    static partial void RegisterTimeQuality(Builder b);

    static partial void RegisterMicrostructure(Builder b);

    static partial void DeclareMemory(Builder b);

    /// <summary>Collects the factories; a name must be a catalogue feature, registered once.</summary>
    internal sealed class Builder
    {
        public Dictionary<string, Func<StreamContext, FeatureStream>> Map { get; } = new(StringComparer.Ordinal);

        /// <summary>Registers a stream factory.</summary>
        public void Add(string name, Func<StreamContext, FeatureStream> factory)
        {
            if (!FeatureCatalog.Default.TryGet(name, out _))
            {
                throw new InvalidOperationException($"Stream for '{name}', which is not a catalogue feature.");
            }

            if (!Map.TryAdd(name, factory))
            {
                throw new InvalidOperationException($"Stream for '{name}' registered twice.");
            }
        }

        public Dictionary<string, Func<StreamContext, StreamMemory>> Memories { get; } = new(StringComparer.Ordinal);

        /// <summary>Declares what a registered stream remembers (see <see cref="StreamMemory"/>).</summary>
        public void Memory(string name, Func<StreamContext, StreamMemory> memory)
        {
            if (!Map.ContainsKey(name))
            {
                throw new InvalidOperationException($"Memory of '{name}', which has no stream.");
            }

            if (!Memories.TryAdd(name, memory))
            {
                throw new InvalidOperationException($"Memory of '{name}' declared twice.");
            }
        }

        /// <summary>Declares the same memory for several streams.</summary>
        public void Memory(IEnumerable<string> names, Func<StreamContext, StreamMemory> memory)
        {
            foreach (var name in names)
            {
                Memory(name, memory);
            }
        }

        /// <summary>
        /// Registers features computed together by one step per bar: <paramref name="create"/> creates the step and returns
        /// its binder, which gives the step for "every member is computed" (true) or "some are" (false, then it may skip
        /// the states of the members not in <see cref="FusedOutputs.Wanted"/>); the step writes member k's value at its
        /// catalogue position in <c>c.Values</c> (<see cref="Position"/>) and its return value is discarded. Whichever
        /// member the engine creates first runs the step; the values of members not computed are never read.
        /// </summary>
        public void Fused(string key, IReadOnlyList<string> names, Func<StreamContext, FusedOutputs, Func<bool, Func<StreamContext, double>>> create)
        {
            for (int k = 0; k < names.Count; k++)
            {
                int output = k;
                Add(names[k], ctx => ctx.Fused(key, names, output, create));
            }
        }

        /// <summary>Registers a stream whose step is a function of the context (its state in the closure).</summary>
        public void Step(string name, Func<StreamContext, Func<StreamContext, double>> step) => Add(name, ctx => FeatureStream.Of(step(ctx)));
    }
}
