namespace QuantFeatures.Streaming;

/// <summary>The incremental form of one catalogue feature: called exactly once per committed bar, in engine order.</summary>
internal abstract class FeatureStream
{
    /// <summary>Consumes the context's current bar and returns the feature's value at it.</summary>
    public abstract double Next(StreamContext ctx);

    /// <summary>The step the engine calls per bar (a lambda stream's own delegate, so a bar costs one indirect call).</summary>
    public virtual Func<StreamContext, double> AsStep() => Next;

    /// <summary>A stream from a step function (its state lives in the closure).</summary>
    public static FeatureStream Of(Func<StreamContext, double> step) => new Lambda(step);

    private sealed class Lambda(Func<StreamContext, double> step) : FeatureStream
    {
        private readonly Func<StreamContext, double> _step = step;

        public override double Next(StreamContext ctx) => _step(ctx);

        public override Func<StreamContext, double> AsStep() => _step;
    }
}

/// <summary>A reference to another feature's value at the current bar, resolved when a stream is created.</summary>
internal readonly record struct FeatureHandle(int Index);

/// <summary>
/// A shared intermediate with several outputs (e.g. MACD's three lines): updated once per bar by whichever of its
/// features asks first (every stream runs every bar, so it is always up to date).
/// </summary>
internal abstract class SharedStep
{
    private long _serial = -1;

    /// <summary>Updates the step at the context's bar once; later calls in the same bar do nothing.</summary>
    public void Advance(StreamContext ctx)
    {
        if (_serial != ctx.Serial)
        {
            _serial = ctx.Serial;
            Step(ctx);
        }
    }

    protected abstract void Step(StreamContext ctx);
}
