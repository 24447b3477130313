using System.Runtime.CompilerServices;

namespace QuantFeatures.Streaming;

/// <summary>The incremental form of one catalogue feature: called exactly once per committed bar, in engine order.</summary>
internal abstract class FeatureStream
{
    /// <summary>Consumes the context's current bar and returns the feature's value at it.</summary>
    public abstract double Next(StreamContext ctx);

    /// <summary>The step the engine calls per bar (a lambda stream's own delegate, so a bar costs one indirect call), or
    /// null for a member of a fused step other than the one that runs it (its value is written by that step).</summary>
    public virtual Func<StreamContext, double>? AsStep() => Next;

    /// <summary>A stream from a step function (its state lives in the closure).</summary>
    public static FeatureStream Of(Func<StreamContext, double> step) => new Lambda(step);

    private sealed class Lambda(Func<StreamContext, double> step) : FeatureStream
    {
        private readonly Func<StreamContext, double> _step = step;

        public override double Next(StreamContext ctx) => _step(ctx);

        public override Func<StreamContext, double> AsStep() => _step;
    }
}

/// <summary>
/// A fused step's members and which of them the engine computes. A fused step computes several features of one family
/// in one call per bar, so the engine pays one indirect call for all of them; it writes each member's value at the
/// member's catalogue position in the engine's values (<see cref="StreamCatalog.Position"/>), computed or not.
/// </summary>
internal sealed class FusedOutputs
{
    internal FusedOutputs(IReadOnlyList<string> names)
    {
        Names = names;
        if (names.Count > 64)
        {
            throw new ArgumentException($"A fused step has at most 64 members; {names.Count} given.", nameof(names));
        }
    }

    /// <summary>The members (member k is bit k of <see cref="Wanted"/>).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The members the engine computes, bit k for member k (set once its streams exist): a step may skip the
    /// states of the others, whose values are never read.</summary>
    public ulong Wanted { get; internal set; }

    /// <summary>Whether the engine computes every member (then a step runs without testing <see cref="Wanted"/>).</summary>
    public bool All => Wanted == (Names.Count == 64 ? ulong.MaxValue : (1UL << Names.Count) - 1);

    /// <summary>The engine index of the member whose stream runs the step (the first one created), −1 before.</summary>
    internal int Runner { get; set; } = -1;
}

/// <summary>One member of a fused step: the first one the engine creates runs the step, the others only name their
/// output (the engine links them to the runner, so the runner is always stepped before anything reads them).</summary>
/// <param name="outputs">Where the step writes.</param>
/// <param name="output">This member's index among them.</param>
/// <param name="bind">The runner's step for "every member is computed" (true) or "some are" (false); null for the others.</param>
internal sealed class FusedMember(FusedOutputs outputs, int output, Func<bool, Func<StreamContext, double>>? bind) : FeatureStream
{
    public FusedOutputs Outputs { get; } = outputs;

    public int Output { get; } = output;

    /// <summary>Whether this member runs the step.</summary>
    public bool Runs => bind is not null;

    public override double Next(StreamContext ctx) =>
        throw new InvalidOperationException($"Feature '{Outputs.Names[Output]}' is written by its fused step, not stepped on its own.");

    /// <summary>The runner's step, once the engine has set <see cref="FusedOutputs.Wanted"/>.</summary>
    public override Func<StreamContext, double>? AsStep() => bind?.Invoke(Outputs.All);
}

/// <summary>
/// The state of a fused step: which of its members are computed, and where it writes their values. A step keeps its
/// members' positions (<see cref="At"/>) in static read-only fields, which the optimizing JIT takes as constants, and
/// writes through <see cref="ValuesOf"/>, whose length is a constant too: each member's write is then one store, with
/// neither a position to load nor a bounds check.
/// </summary>
internal abstract class FusedStep(FusedOutputs outputs)
{
    /// <summary>The members the engine computes (<see cref="FusedOutputs.Wanted"/>; set after the step is created).</summary>
    protected ulong Wanted => outputs.Wanted;

    /// <summary>The value position of member <paramref name="k"/> of <paramref name="names"/> (the step's static names, as
    /// registered): its catalogue position.</summary>
    protected static int At(IReadOnlyList<string> names, int k) => StreamCatalog.Position(names[k]);

    /// <summary>The context's values, every catalogue position and the scratch value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Span<double> ValuesOf(StreamContext c) => c.Values.AsSpan(0, StreamCatalog.ValueCount);
}

/// <summary>Which members of a fused step are computed, as a type: a step's <c>Run&lt;T&gt;</c> is compiled once for
/// <see cref="AllMembers"/> (no test at all: the whole catalogue) and once for <see cref="SomeMembers"/>.</summary>
internal interface IMembers
{
    /// <summary>Whether member <paramref name="member"/> is computed, given <see cref="FusedOutputs.Wanted"/>.</summary>
    static abstract bool Has(ulong wanted, int member);
}

/// <summary>Every member is computed.</summary>
internal readonly struct AllMembers : IMembers
{
    public static bool Has(ulong wanted, int member) => true;
}

/// <summary>The members whose bit is set are computed; a step skips the states of the others (their values go to the
/// scratch value and are never read).</summary>
internal readonly struct SomeMembers : IMembers
{
    public static bool Has(ulong wanted, int member) => (wanted & (1UL << member)) != 0;
}

/// <summary>A reference to another feature's value at the current bar, resolved when a stream is created: the position of
/// its value (<see cref="StreamCatalog.Position"/>).</summary>
internal readonly record struct FeatureHandle(int Index);
