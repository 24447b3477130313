namespace QuantFeatures;

/// <summary>
/// Assembles a <see cref="MarketFrame"/> column by column and validates it once in <see cref="Build"/>.
/// </summary>
/// <remarks>
/// Validation (each failure is an <see cref="ArgumentException"/> whose message names the column, row and time):
/// time and open/high/low/close present; every column as long as <c>time</c>; times strictly increasing (no duplicates);
/// consecutive times at least one timeframe apart. Data problems (NaN values, high &lt; low, gaps) are not structural:
/// they are left in place for the quality report and the features' NaN rules.
/// </remarks>
public sealed class MarketFrameBuilder
{
    private readonly double[]?[] _columns = new double[]?[MarketColumns.All.Count];
    private long[]? _time;
    private string _symbol = "";
    private Timeframe? _timeframe;
    private FundingHistory? _fundingHistory;

    /// <summary>Starts a frame; the timeframe is inferred from the smallest time step when null.</summary>
    public MarketFrameBuilder(Timeframe? timeframe = null) => _timeframe = timeframe;

    /// <summary>Sets the instrument name.</summary>
    public MarketFrameBuilder WithSymbol(string? symbol)
    {
        _symbol = symbol ?? "";
        return this;
    }

    /// <summary>Sets the timeframe.</summary>
    public MarketFrameBuilder WithTimeframe(Timeframe timeframe)
    {
        _timeframe = timeframe;
        return this;
    }

    /// <summary>Sets the bar open times (Unix ms UTC); copied.</summary>
    public MarketFrameBuilder WithTime(ReadOnlySpan<long> time)
    {
        _time = time.ToArray();
        return this;
    }

    /// <summary>Sets a column (copied). Setting a column twice replaces it.</summary>
    public MarketFrameBuilder WithColumn(MarketColumn column, ReadOnlySpan<double> values)
    {
        _ = column.Name();
        _columns[(int)column] = values.ToArray();
        return this;
    }

    /// <summary>Attaches the funding settlements behind the funding columns (see <see cref="FundingHistory"/>).</summary>
    public MarketFrameBuilder WithFundingHistory(FundingHistory? history)
    {
        _fundingHistory = history;
        return this;
    }

    /// <summary>Validates and builds the frame.</summary>
    /// <exception cref="ArgumentException">A structural problem; the message names it.</exception>
    public MarketFrame Build()
    {
        var time = _time ?? throw new ArgumentException("The frame has no 'time' column.");
        foreach (var required in MarketColumns.Required)
        {
            if (_columns[(int)required] is null)
            {
                throw new ArgumentException($"The frame has no '{required.Name()}' column (missing input column).");
            }
        }

        for (int i = 0; i < _columns.Length; i++)
        {
            if (_columns[i] is { } col && col.Length != time.Length)
            {
                throw new ArgumentException($"Column '{((MarketColumn)i).Name()}' has {col.Length} values but 'time' has {time.Length} (columns of different lengths).");
            }
        }

        long minStep = long.MaxValue;
        for (int i = 1; i < time.Length; i++)
        {
            long step = time[i] - time[i - 1];
            if (step == 0)
            {
                throw new ArgumentException($"Duplicate time {MarketFrame.FormatTime(time[i])} at rows {i - 1} and {i}: times must be unique.");
            }

            if (step < 0)
            {
                throw new ArgumentException($"Unsorted times: row {i} ({MarketFrame.FormatTime(time[i])}) is earlier than row {i - 1} ({MarketFrame.FormatTime(time[i - 1])}); times must be strictly increasing.");
            }

            minStep = Math.Min(minStep, step);
        }

        Timeframe tf;
        if (_timeframe is { } given)
        {
            if (minStep < given.Milliseconds)
            {
                int at = FirstStepBelow(time, given.Milliseconds);
                throw new ArgumentException($"Bars overlap: rows {at - 1} and {at} ({MarketFrame.FormatTime(time[at])}) are {TimeSpan.FromMilliseconds(time[at] - time[at - 1])} apart, less than the timeframe {given}.");
            }

            tf = given;
        }
        else if (minStep != long.MaxValue)
        {
            tf = new Timeframe(minStep);
        }
        else
        {
            throw new ArgumentException("The timeframe cannot be inferred from fewer than two bars; pass it explicitly.");
        }

        return new MarketFrame(_symbol, tf, time, (double[]?[])_columns.Clone(), _fundingHistory);
    }

    private static int FirstStepBelow(long[] time, long step)
    {
        for (int i = 1; i < time.Length; i++)
        {
            if (time[i] - time[i - 1] < step)
            {
                return i;
            }
        }

        return 1;
    }
}
