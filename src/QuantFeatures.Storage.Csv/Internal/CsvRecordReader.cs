using System.Text;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>
/// Streams the records of one file in batches: asynchronous reads of 64 KiB, synchronous span parsing in between.
/// Memory: one byte buffer and the caller's batch array. The first non-empty line is a header when its first cell
/// does not start with a digit; otherwise the file is a headerless Binance layout recognised by its field count.
/// Rows whose <c>symbol</c> column (if any) names another symbol are skipped; a file in which no row is for the
/// requested symbol but some are for others is an error (a wrong file is never silently empty).
/// </summary>
internal sealed class CsvRecordReader<T> : IDisposable
{
    private readonly CsvInput _input;
    private readonly CsvFormat<T> _format;
    private readonly CsvContext _context;
    private readonly LineBuffer _lines;
    private readonly FieldSplitter _fields = new();
    private readonly byte[] _symbol;
    private CsvLayout<T>? _layout;
    private byte[]? _header;
    private long _matched;
    private long _otherRows;
    private string? _otherSymbol;
    private bool _completed;

    private CsvRecordReader(CsvInput input, CsvFormat<T> format, string symbol, Timeframe? timeframe)
    {
        _input = input;
        _format = format;
        _context = new CsvContext(input.Source, symbol) { Timeframe = timeframe };
        _lines = new LineBuffer(input.Stream, input.Source);
        _symbol = Encoding.UTF8.GetBytes(symbol);
    }

    /// <summary>The layout, once the first line has been read.</summary>
    public CsvLayout<T>? Layout => _layout;

    public string Source => _context.Source;

    public static CsvRecordReader<T> Open(string path, CsvFormat<T> format, string symbol, Timeframe? timeframe)
    {
        var input = CsvInput.Open(path);
        return new CsvRecordReader<T>(input, format, symbol, timeframe);
    }

    /// <summary>Fills <paramref name="batch"/> with the next records; 0 at the end of the file.</summary>
    public async ValueTask<int> ReadBatchAsync(T[] batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = ParseAvailable(batch);
            if (n > 0)
            {
                return n;
            }

            if (_lines.IsFinished)
            {
                Complete();
                return 0;
            }

            await _lines.FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads (synchronously) just far enough to know the layout; null for an empty file.</summary>
    public CsvLayout<T>? PeekLayout()
    {
        var batch = new T[1];
        while (_layout is null && !_lines.IsFinished)
        {
            if (ParseAvailable(batch) == 0 && _layout is null)
            {
                _lines.Fill();
            }
        }

        return _layout;
    }

    public void Dispose() => _input.Dispose();

    private int ParseAvailable(T[] batch)
    {
        int n = 0;
        while (n < batch.Length && _lines.TryReadLine(out var line))
        {
            if (line.IsEmpty || (line[0] is (byte)' ' or (byte)'\t' && line.Trim(" \t"u8).IsEmpty))
            {
                continue;
            }

            if (_layout is null)
            {
                if (line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                if (!StartLayout(line))
                {
                    continue;
                }
            }

            if (_header is not null && !IsDigit(line[0]) && line.SequenceEqual(_header))
            {
                continue; // the header again: files concatenated with their headers
            }

            if (!_fields.Split(line))
            {
                throw new FormatException(CsvErrors.Line(Source, _lines.LineNumber, $"a quoted field is not closed: '{CsvErrors.Quote(line)}'"));
            }

            var layout = _layout!;
            var row = new CsvRow(line, _fields, _lines.LineNumber, _context);
            if (row.Count != layout.FieldCount)
            {
                throw FieldCountError(row, layout, line);
            }

            if (layout.SymbolField >= 0 && !Ascii.EqualsIgnoreCase(row[layout.SymbolField], _symbol))
            {
                if (_otherRows++ == 0)
                {
                    _otherSymbol = CsvErrors.Quote(row[layout.SymbolField]);
                }

                continue;
            }

            batch[n++] = layout.Mapper.Map(row);
            _matched++;
        }

        return n;
    }

    /// <summary>Builds the layout from the first line; true when that line is data to be parsed too.</summary>
    private bool StartLayout(ReadOnlySpan<byte> line)
    {
        if (!_fields.Split(line))
        {
            throw new FormatException(CsvErrors.Line(Source, _lines.LineNumber, $"a quoted field is not closed: '{CsvErrors.Quote(line)}'"));
        }

        var first = _fields.Get(line, 0);
        bool isData = first.Length > 0 && (IsDigit(first[0]) || (first.Length > 1 && first[0] is (byte)'-' or (byte)'+' && IsDigit(first[1])));
        try
        {
            if (isData)
            {
                _layout = _format.Positional(_fields.Count, _context);
            }
            else
            {
                var names = new string[_fields.Count];
                for (int i = 0; i < names.Length; i++)
                {
                    names[i] = Encoding.UTF8.GetString(_fields.Get(line, i));
                }

                _layout = _format.FromHeader(new HeaderMap(names), _context);
                _header = line.ToArray();
            }
        }
        catch (FormatException ex)
        {
            throw new FormatException(CsvErrors.Line(Source, _lines.LineNumber, ex.Message), ex);
        }

        _context.ColumnNames = _layout.ColumnNames;
        return isData;
    }

    private FormatException FieldCountError(in CsvRow row, CsvLayout<T> layout, ReadOnlySpan<byte> line)
    {
        string expected = $"expected {layout.FieldCount} fields, found {row.Count}";
        return row.Count < layout.FieldCount
            ? CsvErrors.FieldError(Source, row.LineNumber, row.Count, _context.ColumnName(row.Count), $"missing field ({expected}) in row", line)
            : CsvErrors.FieldError(Source, row.LineNumber, layout.FieldCount, null, $"unexpected extra field ({expected})", row[layout.FieldCount]);
    }

    private void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_matched == 0 && _otherRows > 0)
        {
            throw new InvalidDataException($"{Source}: the file holds {_format.Description} of {_otherSymbol} ({_otherRows} rows), none of {_context.Symbol}.");
        }
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
