namespace QuantFeatures.Cli.Csv;

/// <summary>
/// Reads a text stream line by line into a reusable buffer: no allocation per line, memory bounded by the longest
/// line (at most <see cref="MaxLineLength"/> characters). Lines end with <c>\n</c> or <c>\r\n</c>.
/// </summary>
public sealed class CsvLineReader : IDisposable
{
    /// <summary>The longest line accepted, in characters.</summary>
    public const int MaxLineLength = 1 << 20;

    private readonly TextReader _reader;
    private char[] _buffer = new char[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Reads from <paramref name="reader"/>; the reader is disposed with this object.</summary>
    public CsvLineReader(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
    }

    /// <summary>1-based number of the line returned by the last successful <see cref="TryReadLine"/>.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line (without its line break).</summary>
    /// <param name="line">The line; valid until the next call.</param>
    /// <returns>False at the end of the stream.</returns>
    /// <exception cref="FormatException">A line is longer than <see cref="MaxLineLength"/>.</exception>
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        int scanFrom = _start;
        while (true)
        {
            int nl = _buffer.AsSpan(scanFrom, _end - scanFrom).IndexOf('\n');
            if (nl >= 0)
            {
                int stop = scanFrom + nl;
                line = Trim(_buffer.AsSpan(_start, stop - _start));
                _start = stop + 1;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (_end > _start)
                {
                    line = Trim(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    LineNumber++;
                    return true;
                }

                line = default;
                return false;
            }

            scanFrom = _end - _start;
            Fill();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private void Fill()
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineLength)
            {
                throw new FormatException($"line {LineNumber + 1} is longer than {MaxLineLength} characters (is this a text CSV file?)");
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineLength));
        }

        int read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
