namespace QuantFeatures.Quality;

/// <summary>The fixes <see cref="DataCleaner"/> may apply; it applies only those the caller selects.</summary>
[Flags]
public enum CleaningFixes
{
    /// <summary>No fix: the data is returned unchanged.</summary>
    None = 0,

    /// <summary>Drop bars with an open, high, low or close ≤ 0.</summary>
    DropNonPositivePrices = 1,

    /// <summary>Sort rows by open time (stable: rows with equal times keep their order).</summary>
    Sort = 2,

    /// <summary>Keep one row per open time (the first, or the last with <see cref="CleaningOptions.KeepLastDuplicate"/>).</summary>
    Deduplicate = 4,

    /// <summary>Swap high and low where high &lt; low.</summary>
    SwapHighLow = 8,

    /// <summary>Insert the missing bars of gaps of at most <see cref="CleaningOptions.MaxFillBars"/> bars, carrying the last
    /// close forward (open = high = low = close = previous close, volumes and counts 0, sparse values carried forward).</summary>
    ForwardFillGaps = 16,

    /// <summary>Every fix.</summary>
    All = DropNonPositivePrices | Sort | Deduplicate | SwapHighLow | ForwardFillGaps,
}

/// <summary>What a <see cref="CleaningChange"/> did.</summary>
public enum CleaningAction
{
    /// <summary>A bar with a non-positive price was dropped.</summary>
    DroppedNonPositivePrice,

    /// <summary>An out-of-order row was moved to its place in time.</summary>
    MovedRow,

    /// <summary>A row repeating an open time was removed.</summary>
    RemovedDuplicate,

    /// <summary>High and low were swapped (one change for each of the two values).</summary>
    SwappedHighLow,

    /// <summary>A missing bar was inserted by carrying the previous close forward.</summary>
    FilledGap,
}

/// <summary>Options of <see cref="DataCleaner"/>.</summary>
public sealed record CleaningOptions
{
    /// <summary>The fixes to apply (default none: the caller chooses).</summary>
    public CleaningFixes Fixes { get; init; }

    /// <summary>The longest gap, in missing bars, that <see cref="CleaningFixes.ForwardFillGaps"/> fills (default 5, ≥ 1).
    /// Longer gaps are left as they are (the validator keeps reporting them).</summary>
    public int MaxFillBars { get; init; } = 5;

    /// <summary>With <see cref="CleaningFixes.Deduplicate"/>, keep the last row of a repeated time instead of the first.</summary>
    public bool KeepLastDuplicate { get; init; }

    /// <summary>The bar length for gap filling of raw records; inferred as the validator does when null. A frame uses its own.</summary>
    public Timeframe? Timeframe { get; init; }
}

/// <summary>One change made by <see cref="DataCleaner"/>: what, where, and the value before and after.</summary>
/// <param name="Action">What was done.</param>
/// <param name="Time">The open time of the row concerned (of the inserted bar for <see cref="CleaningAction.FilledGap"/>).</param>
/// <param name="Row">The row's index in the input (0-based); −1 for an inserted bar.</param>
/// <param name="Column">The value changed: high or low for a swap, the non-positive price for a drop, close for an inserted bar;
/// null for a moved or removed row.</param>
/// <param name="Before">The value before (NaN for an inserted bar); for a moved row, its index in the input.</param>
/// <param name="After">The value after (NaN for a dropped or removed row); for a moved row, its index after sorting.</param>
/// <param name="Description">The change in words, with the row's values where useful.</param>
public sealed record CleaningChange(CleaningAction Action, long Time, int Row, MarketColumn? Column, double Before, double After, string Description)
{
    /// <inheritdoc/>
    public override string ToString() => Description;
}

/// <summary>The cleaned data and every change made.</summary>
/// <typeparam name="T">The data type: a frame or a list of records.</typeparam>
public sealed class CleaningResult<T>
{
    internal CleaningResult(T data, IReadOnlyList<CleaningChange> changes)
    {
        Data = data;
        Changes = changes;
    }

    /// <summary>The cleaned data.</summary>
    public T Data { get; }

    /// <summary>Every change, in the order the fixes ran (drop, sort, deduplicate, swap, fill) and row order within a fix.</summary>
    public IReadOnlyList<CleaningChange> Changes { get; }

    /// <summary>Number of changes of one kind.</summary>
    public int CountOf(CleaningAction action) => Changes.Count(c => c.Action == action);
}
