namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>
/// Splits a byte stream into lines held in one reusable buffer: no allocation per line, memory bounded by the
/// buffer (grown only for a line longer than it, up to <see cref="MaxLineLength"/>). Lines end with <c>\n</c> or
/// <c>\r\n</c>; the last line may lack its end. Filling is asynchronous; reading lines is synchronous, so the
/// parse loop works on spans between awaits.
/// </summary>
internal sealed class LineBuffer
{
    /// <summary>The longest line accepted, in bytes.</summary>
    public const int MaxLineLength = 1 << 20;

    private readonly Stream _stream;
    private readonly string _source;
    private byte[] _buffer;
    private int _start;
    private int _scan;
    private int _end;
    private bool _eof;

    public LineBuffer(Stream stream, string source, int bufferSize = 1 << 16)
    {
        _stream = stream;
        _source = source;
        _buffer = new byte[bufferSize];
    }

    /// <summary>1-based number of the line returned by the last successful <see cref="TryReadLine"/>.</summary>
    public long LineNumber { get; private set; }

    /// <summary>True when the stream is exhausted and every line has been returned.</summary>
    public bool IsFinished => _eof && _start == _end;

    /// <summary>Returns the next complete line (without its line break), or false when more data is needed
    /// (call <see cref="FillAsync"/>) or the stream is finished.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        int nl = _buffer.AsSpan(_scan, _end - _scan).IndexOf((byte)'\n');
        if (nl >= 0)
        {
            int stop = _scan + nl;
            line = TrimCr(_buffer.AsSpan(_start, stop - _start));
            _start = _scan = stop + 1;
            LineNumber++;
            return true;
        }

        _scan = _end;
        if (_eof && _end > _start)
        {
            line = TrimCr(_buffer.AsSpan(_start, _end - _start));
            _start = _scan = _end;
            LineNumber++;
            return true;
        }

        line = default;
        return false;
    }

    /// <summary>Reads more bytes from the stream (compacting or growing the buffer first).</summary>
    /// <exception cref="FormatException">A line is longer than <see cref="MaxLineLength"/>.</exception>
    /// <exception cref="InvalidDataException">The (compressed) stream is corrupt; the message names the line and
    /// the column (byte offset in the line) where reading stopped.</exception>
    public async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            return;
        }

        var free = Prepare();
        try
        {
            Complete(await _stream.ReadAsync(free, cancellationToken).ConfigureAwait(false));
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(ex);
        }
    }

    /// <summary>The synchronous <see cref="FillAsync"/> (for peeking at a header from a property).</summary>
    public void Fill()
    {
        if (_eof)
        {
            return;
        }

        var free = Prepare();
        try
        {
            Complete(_stream.Read(free.Span));
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(ex);
        }
    }

    private Memory<byte> Prepare()
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _scan -= _start;
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineLength)
            {
                throw new FormatException(CsvErrors.Line(_source, LineNumber + 1, $"the line is longer than {MaxLineLength} bytes (is this a CSV file?)"));
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineLength));
        }

        return _buffer.AsMemory(_end, _buffer.Length - _end);
    }

    private void Complete(int read)
    {
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private InvalidDataException Corrupt(InvalidDataException ex) =>
        new($"{_source}: line {LineNumber + 1}, column {_end - _start + 1}: the compressed data is corrupt or truncated ({ex.Message})", ex);

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
