namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>The field boundaries of one line, reused from line to line (no allocation per line).</summary>
internal sealed class FieldSplitter
{
    private int[] _starts = new int[16];
    private int[] _lengths = new int[16];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Get(ReadOnlySpan<byte> line, int field) => line.Slice(_starts[field], _lengths[field]);

    /// <summary>Splits on commas; a field in double quotes has its quotes removed (a doubled quote inside stays
    /// doubled: cells here are numbers, times and names). Spaces and tabs around a field are trimmed.</summary>
    /// <returns>False when a quoted field is not closed.</returns>
    public bool Split(ReadOnlySpan<byte> line)
    {
        Count = 0;
        if (line.IndexOf((byte)'"') < 0)
        {
            int pos = 0;
            while (true)
            {
                int comma = line[pos..].IndexOf((byte)',');
                int end = comma < 0 ? line.Length : pos + comma;
                Add(line, pos, end);
                if (comma < 0)
                {
                    return true;
                }

                pos = end + 1;
            }
        }

        return SplitQuoted(line);
    }

    private bool SplitQuoted(ReadOnlySpan<byte> line)
    {
        int pos = 0;
        while (true)
        {
            int start = pos;
            while (start < line.Length && line[start] is (byte)' ' or (byte)'\t')
            {
                start++;
            }

            if (start < line.Length && line[start] == (byte)'"')
            {
                int close = start + 1;
                while (true)
                {
                    int q = line[close..].IndexOf((byte)'"');
                    if (q < 0)
                    {
                        return false;
                    }

                    close += q;
                    if (close + 1 < line.Length && line[close + 1] == (byte)'"')
                    {
                        close += 2;
                        continue;
                    }

                    break;
                }

                int after = line[(close + 1)..].IndexOf((byte)',');
                int stop = after < 0 ? line.Length : close + 1 + after;
                if (!line[(close + 1)..stop].Trim(" \t"u8).IsEmpty)
                {
                    return false;
                }

                AddRaw(start + 1, close - start - 1);
                if (after < 0)
                {
                    return true;
                }

                pos = stop + 1;
                continue;
            }

            int comma = line[pos..].IndexOf((byte)',');
            int end = comma < 0 ? line.Length : pos + comma;
            Add(line, pos, end);
            if (comma < 0)
            {
                return true;
            }

            pos = end + 1;
        }
    }

    private void Add(ReadOnlySpan<byte> line, int start, int end)
    {
        while (start < end && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        AddRaw(start, end - start);
    }

    private void AddRaw(int start, int length)
    {
        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }

        _starts[Count] = start;
        _lengths[Count] = length;
        Count++;
    }
}

/// <summary>What a row needs to parse its cells and to name them in error messages.</summary>
internal sealed class CsvContext(string source, string symbol)
{
    /// <summary>The file (and archive entry) the rows come from, as shown in messages.</summary>
    public string Source { get; } = source;

    /// <summary>The symbol the caller asked for.</summary>
    public string Symbol { get; } = symbol;

    /// <summary>The bar/kline interval when known without reading (from the caller or the file name).</summary>
    public Timeframe? Timeframe { get; init; }

    /// <summary>Column names for messages (the header, or the layout's positional names).</summary>
    public string[] ColumnNames { get; set; } = [];

    public string? ColumnName(int field) => (uint)field < (uint)ColumnNames.Length ? ColumnNames[field] : null;
}

/// <summary>One parsed line: typed access to its cells, with errors that name file, line and column.</summary>
internal readonly ref struct CsvRow
{
    private readonly ReadOnlySpan<byte> _line;
    private readonly FieldSplitter _fields;

    public CsvRow(ReadOnlySpan<byte> line, FieldSplitter fields, long lineNumber, CsvContext context)
    {
        _line = line;
        _fields = fields;
        LineNumber = lineNumber;
        Context = context;
    }

    public long LineNumber { get; }

    public CsvContext Context { get; }

    public int Count => _fields.Count;

    public ReadOnlySpan<byte> this[int field] => _fields.Get(_line, field);

    /// <summary>A number cell; empty or <c>NaN</c> is NaN (a data problem, not an error).</summary>
    public double Number(int field)
    {
        var text = this[field];
        if (!Utf8Number.TryParseDouble(text, out double v))
        {
            throw Error(field, "invalid number", text);
        }

        return v;
    }

    /// <summary>A number cell, or NaN when the layout has no such column (<paramref name="field"/> &lt; 0).</summary>
    public double OptionalNumber(int field) => field < 0 ? double.NaN : Number(field);

    /// <summary>A time cell in Unix milliseconds (see <see cref="Utf8Time"/>); an empty or unreadable time is an error.</summary>
    public long Time(int field)
    {
        var text = this[field];
        if (!Utf8Time.TryParse(text, out long ms))
        {
            throw Error(field, text.IsEmpty ? "missing time (" + Utf8Time.AcceptedForms + ")" : "invalid time (" + Utf8Time.AcceptedForms + ")", text);
        }

        return ms;
    }

    /// <summary>An integer cell (ids).</summary>
    public long Integer(int field)
    {
        var text = this[field];
        if (!Utf8Number.TryParseInt64(text, out long v))
        {
            throw Error(field, "invalid integer", text);
        }

        return v;
    }

    public FormatException Error(int field, string problem, ReadOnlySpan<byte> text) =>
        CsvErrors.FieldError(Context.Source, LineNumber, field, Context.ColumnName(field), problem, text);

    public FormatException Error(int field, string problem) => Error(field, problem, this[field]);
}
