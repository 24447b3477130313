namespace QuantFeatures;

/// <summary>
/// Computes features of a <see cref="MarketFrame"/> into a <see cref="FeatureMatrix"/>: by names, by family, or
/// every feature the frame's inputs and timeframe allow.
/// </summary>
/// <remarks>
/// <para>The engine resolves the request into a plan in catalogue order, computes every shared intermediate once
/// (a feature used by another feature, the three MACD or ADX outputs, rolling moments), and allocates only the
/// output columns: intermediates live in pooled buffers.</para>
/// <para>No look-ahead: every value at bar t is computed from bars 0..t only, so computing on a prefix of the frame
/// gives exactly the same values as computing on the whole frame.</para>
/// </remarks>
public sealed class FeatureEngineer
{
    /// <summary>Creates an engine over a catalogue (the default one when null).</summary>
    public FeatureEngineer(FeatureCatalog? catalog = null, FeatureEngineerOptions? options = null)
    {
        Catalog = catalog ?? FeatureCatalog.Default;
        Options = options ?? FeatureEngineerOptions.Default;
    }

    /// <summary>The catalogue this engine computes.</summary>
    public FeatureCatalog Catalog { get; }

    /// <summary>The engine's options.</summary>
    public FeatureEngineerOptions Options { get; }

    /// <summary>Computes the named features.</summary>
    /// <exception cref="ArgumentException">An unknown name, a feature whose input column the frame lacks, or one not offered at the frame's timeframe; the message names it.</exception>
    public FeatureMatrix Compute(MarketFrame frame, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(names);
        return Run(frame, Resolve(frame, names));
    }

    /// <summary>Computes the named features.</summary>
    public FeatureMatrix Compute(MarketFrame frame, params string[] names) => Compute(frame, (IEnumerable<string>)names);

    /// <summary>Computes every feature of a family that the frame allows (features whose inputs are absent are left out).</summary>
    public FeatureMatrix Compute(MarketFrame frame, FeatureFamily family)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Run(frame, Catalog.AvailableFor(frame).Where(f => f.Family == family).ToArray());
    }

    /// <summary>Computes every feature the frame's inputs and timeframe allow.</summary>
    public FeatureMatrix ComputeAll(MarketFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Run(frame, Catalog.AvailableFor(frame));
    }

    /// <summary>Resolves names into catalogue entries in catalogue order, checking inputs and timeframe.</summary>
    /// <exception cref="ArgumentException">An unknown name, a missing input column, or a timeframe the feature is not offered at.</exception>
    public IReadOnlyList<FeatureDefinition> Resolve(MarketFrame frame, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(names);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in names)
        {
            var name = raw?.Trim() ?? "";
            var def = Catalog.Get(name);
            var missing = def.MissingInputs(frame);
            if (missing.Count > 0)
            {
                throw new ArgumentException($"Feature '{name}' needs input column(s) {string.Join(", ", missing.Select(c => "'" + c.Name() + "'"))} that the frame does not have (missing input column).", nameof(names));
            }

            if (def.UnavailableReason(frame.Timeframe) is { } why)
            {
                throw new ArgumentException($"Feature '{name}' is not available at timeframe {frame.Timeframe}: {why}.", nameof(names));
            }

            wanted.Add(name);
        }

        return Catalog.Features.Where(f => wanted.Contains(f.Name)).ToArray();
    }

    /// <summary>
    /// Computes features for many frames (e.g. one per symbol), in parallel up to
    /// <see cref="FeatureEngineerOptions.MaxDegreeOfParallelism"/>; results are in input order.
    /// </summary>
    /// <param name="frames">The frames.</param>
    /// <param name="names">Feature names; null for every feature each frame allows.</param>
    /// <exception cref="ArgumentException">As <see cref="Compute(MarketFrame, IEnumerable{string})"/>, for the first frame that fails.</exception>
    public IReadOnlyList<FeatureMatrix> ComputeMany(IReadOnlyList<MarketFrame> frames, IEnumerable<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var list = names?.ToArray();
        var plans = frames.Select(f => list is null ? Catalog.AvailableFor(f) : Resolve(f, list)).ToArray();
        var results = new FeatureMatrix[frames.Count];
        var single = Options with { MaxDegreeOfParallelism = 1 };
        var inner = new FeatureEngineer(Catalog, single);
        Parallel.For(0, frames.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.MaxDegreeOfParallelism) },
            i => results[i] = inner.Run(frames[i], plans[i]));
        return results;
    }

    /// <summary>
    /// Recomputes the features of <paramref name="destination"/> for <paramref name="frame"/> into the matrix's own
    /// buffers, allocating nothing but O(number of features): for walk-forward loops, many symbols of equal length, or
    /// any repeated batch work. The matrix's previous values are overwritten and it then describes <paramref name="frame"/>.
    /// </summary>
    /// <param name="frame">A frame with exactly <c>destination.RowCount</c> bars.</param>
    /// <param name="destination">A matrix from an earlier call of this engine.</param>
    /// <returns><paramref name="destination"/>.</returns>
    /// <exception cref="ArgumentException">The frame's length differs, or a feature of the matrix cannot be computed on it.</exception>
    public FeatureMatrix ComputeInto(MarketFrame frame, FeatureMatrix destination)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(destination);
        if (frame.Length != destination.RowCount)
        {
            throw new ArgumentException($"The frame has {frame.Length} bars but the destination matrix has {destination.RowCount} rows.", nameof(frame));
        }

        var plan = Resolve(frame, destination.Names);
        Run(frame, plan, destination.Columns);
        destination.Rebind(frame);
        return destination;
    }

    private FeatureMatrix Run(MarketFrame frame, IReadOnlyList<FeatureDefinition> plan, double[][]? reuse = null)
    {
        int n = frame.Length;
        var columns = reuse ?? new double[plan.Count][];
        var names = new string[plan.Count];
        for (int i = 0; i < plan.Count; i++)
        {
            if (reuse is null)
            {
                columns[i] = GC.AllocateUninitializedArray<double>(n);
            }

            names[i] = plan[i].Name;
        }

        // Families are independent work units; each has its own context (its own memo of intermediates) and writes only
        // its own output columns, so the result is the same for any degree of parallelism.
        var groups = Enumerable.Range(0, plan.Count).GroupBy(i => plan[i].Family).Select(g => g.ToArray()).ToArray();
        void RunGroup(int[] members)
        {
            var outputs = new Dictionary<string, double[]>(members.Length, StringComparer.Ordinal);
            foreach (int i in members)
            {
                outputs[plan[i].Name] = columns[i];
            }

            using var ctx = new FeatureContext(frame, Catalog, Options, outputs);
            foreach (int i in members)
            {
                _ = ctx.Feature(plan[i].Name);
            }
        }

        if (Options.MaxDegreeOfParallelism > 1 && groups.Length > 1)
        {
            Parallel.ForEach(groups, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism }, RunGroup);
        }
        else if (groups.Length == 1)
        {
            RunGroup(groups[0]);
        }
        else
        {
            // Single-threaded: one context for the whole plan, so intermediates shared across families are computed once.
            RunGroup(Enumerable.Range(0, plan.Count).ToArray());
        }

        // The frame is immutable, so the matrix shares its time array instead of copying it.
        return new FeatureMatrix(frame.Symbol, frame.Timeframe, frame.TimeArray, names, columns);
    }
}
