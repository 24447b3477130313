using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace QuantFeatures.Cli.Csv;

/// <summary>
/// Reads a bar CSV (plain or gzip) into a <see cref="MarketFrame"/> in one streaming pass, invariant culture.
/// </summary>
/// <remarks>
/// <para>Layouts: (a) a header row whose time column is <c>time</c>, <c>open_time</c>, <c>timestamp</c> or <c>date</c>,
/// with open, high, low, close and any optional input column by its <see cref="MarketColumns"/> name (see
/// <see cref="BarCsvLayout"/>); other columns are ignored; (b) Binance's 12-column kline layout without a header.
/// Time values: see <see cref="TimeParser"/>. Number cells: invariant-culture decimals; an empty cell or <c>NaN</c>
/// is a missing value (NaN).</para>
/// <para>Every error is a <see cref="FormatException"/> (or <see cref="ArgumentException"/> from frame validation)
/// whose one-line message names the source, line and column. Rows must be sorted by time without duplicates.
/// Memory: the columns kept (time and the mapped inputs) plus one line buffer.</para>
/// </remarks>
public static class BarCsvReader
{
    /// <summary>Reads a file; <c>.gz</c> content is detected by its magic bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="timeframe">Bar length, or null to infer it from the smallest time step.</param>
    /// <param name="symbol">Instrument name, or null to take the file name up to its first '-' (e.g. BTCUSDT-1h.csv → BTCUSDT).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static MarketFrame ReadFile(string path, Timeframe? timeframe = null, string? symbol = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"Input '{path}' is a directory, not a CSV file." : $"Input file '{path}' does not exist.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, Path.GetFileName(path), timeframe, symbol ?? SymbolFromFileName(path));
    }

    /// <summary>Reads a stream (plain, or gzip when the stream is seekable and starts with the gzip magic bytes).</summary>
    /// <param name="stream">The data; it is left open.</param>
    /// <param name="source">The name used in error messages (e.g. the file name).</param>
    /// <param name="timeframe">Bar length, or null to infer it.</param>
    /// <param name="symbol">Instrument name.</param>
    public static MarketFrame Read(Stream stream, string source, Timeframe? timeframe = null, string? symbol = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        var decoded = OpenDecompressed(stream);
        using var lines = new CsvLineReader(new StreamReader(decoded, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true));
        try
        {
            return ReadLines(lines, source, timeframe, symbol);
        }
        finally
        {
            if (!ReferenceEquals(decoded, stream))
            {
                decoded.Dispose();
            }
        }
    }

    /// <summary>The symbol implied by a file name: the name up to its first '-' or '.', e.g. <c>BTCUSDT-1h.csv.gz</c> → <c>BTCUSDT</c>.</summary>
    public static string SymbolFromFileName(string path)
    {
        var name = Path.GetFileName(path);
        int cut = name.IndexOfAny(['-', '.']);
        return cut > 0 ? name[..cut] : name;
    }

    private static Stream OpenDecompressed(Stream stream)
    {
        if (stream.CanSeek)
        {
            long start = stream.Position;
            int b0 = stream.ReadByte();
            int b1 = stream.ReadByte();
            stream.Position = start;
            return b0 == 0x1f && b1 == 0x8b ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
        }

        return stream;
    }

    private static MarketFrame ReadLines(CsvLineReader lines, string source, Timeframe? timeframe, string? symbol)
    {
        var fields = new Range[16];
        ReadOnlySpan<char> line = default;
        bool any;
        try
        {
            while ((any = lines.TryReadLine(out line)) && line.Trim().IsEmpty)
            {
            }
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{source}: {ex.Message}", ex);
        }

        if (!any)
        {
            throw new FormatException($"{source}: the file is empty (expected a header row and bars).");
        }

        if (line.Length > 0 && line[0] == '\uFEFF')
        {
            line = line[1..];
        }

        long headerLine = lines.LineNumber;
        int count = CsvFields.Split(line, ref fields);
        if (count < 0)
        {
            throw new FormatException($"{source}: line {headerLine}: a quoted field is not closed.");
        }

        BarCsvLayout layout;
        bool firstIsData = TimeParser.TryParse(line[fields[0]], out _);
        try
        {
            if (firstIsData)
            {
                if (count != BarCsvLayout.BinanceKlineColumns.Count)
                {
                    throw new FormatException($"the first line has no header and {count} fields; a file without a header must be Binance's {BarCsvLayout.BinanceKlineColumns.Count}-column kline layout ({string.Join(",", BarCsvLayout.BinanceKlineColumns)}); otherwise add a header such as time,open,high,low,close,volume");
                }

                layout = BarCsvLayout.BinanceKlines;
            }
            else
            {
                var names = new string[count];
                for (int i = 0; i < count; i++)
                {
                    names[i] = line[fields[i]].ToString();
                }

                layout = BarCsvLayout.FromHeader(names);
            }
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{source}: line {headerLine}: {ex.Message}", ex);
        }

        var sink = new Sink(layout, source, timeframe);
        if (firstIsData)
        {
            sink.AddRow(line, fields, count, headerLine);
        }

        try
        {
            while (lines.TryReadLine(out line))
            {
                if (line.IsEmpty || line.Trim().IsEmpty)
                {
                    continue;
                }

                count = CsvFields.Split(line, ref fields);
                sink.AddRow(line, fields, count, lines.LineNumber);
            }
        }
        catch (FormatException ex) when (!ex.Message.StartsWith(source + ":", StringComparison.Ordinal))
        {
            throw new FormatException($"{source}: {ex.Message}", ex);
        }

        return sink.Build(symbol);
    }

    /// <summary>Accumulates parsed rows column by column.</summary>
    private sealed class Sink
    {
        private readonly BarCsvLayout _layout;
        private readonly string _source;
        private readonly Timeframe? _timeframe;
        private readonly GrowableColumn<long> _time = new();
        private readonly GrowableColumn<double>?[] _fieldValues;
        private long _previousLine;

        public Sink(BarCsvLayout layout, string source, Timeframe? timeframe)
        {
            _layout = layout;
            _source = source;
            _timeframe = timeframe;
            _fieldValues = new GrowableColumn<double>?[layout.FieldCount];
            for (int i = 0; i < layout.FieldCount; i++)
            {
                if (layout.FieldColumns[i] is not null)
                {
                    _fieldValues[i] = new GrowableColumn<double>();
                }
            }
        }

        public void AddRow(ReadOnlySpan<char> line, Range[] fields, int count, long lineNumber)
        {
            if (count < 0)
            {
                throw new FormatException($"{_source}: line {lineNumber}: a quoted field is not closed.");
            }

            if (count != _layout.FieldCount)
            {
                throw new FormatException($"{_source}: line {lineNumber}: expected {_layout.FieldCount} fields{(_layout.HasHeader ? " (as in the header)" : "")}, found {count}.");
            }

            var timeText = line[fields[_layout.TimeField]];
            if (!TimeParser.TryParse(timeText, out long time))
            {
                throw Error(lineNumber, _layout.TimeField, $"invalid time '{Clip(timeText)}' ({TimeParser.AcceptedForms})");
            }

            if (_time.Count > 0)
            {
                long previous = _time.Span[^1];
                if (time == previous)
                {
                    throw Error(lineNumber, _layout.TimeField, $"duplicate time {Format(time)} (also on line {_previousLine}); times must be unique");
                }

                if (time < previous)
                {
                    throw Error(lineNumber, _layout.TimeField, $"time {Format(time)} is earlier than {Format(previous)} on line {_previousLine}; rows must be sorted by time, oldest first");
                }

                if (_timeframe is { } tf && time - previous < tf.Milliseconds)
                {
                    throw Error(lineNumber, _layout.TimeField, $"bar at {Format(time)} starts {TimeSpan.FromMilliseconds(time - previous)} after the bar on line {_previousLine}, less than the timeframe {tf}");
                }
            }

            for (int i = 0; i < count; i++)
            {
                if (_fieldValues[i] is { } column)
                {
                    column.Add(ParseNumber(line[fields[i]], lineNumber, i));
                }
            }

            _time.Add(time);
            _previousLine = lineNumber;
        }

        public MarketFrame Build(string? symbol)
        {
            if (_time.Count == 0)
            {
                throw new FormatException($"{_source}: no data rows after the header.");
            }

            var builder = new MarketFrameBuilder(_timeframe).WithSymbol(symbol).WithTime(_time.Span);
            for (int i = 0; i < _fieldValues.Length; i++)
            {
                if (_fieldValues[i] is { } column)
                {
                    builder.WithColumn(_layout.FieldColumns[i]!.Value, column.Span);
                }
            }

            try
            {
                return builder.Build();
            }
            catch (ArgumentException ex)
            {
                string hint = _time.Count < 2 && _timeframe is null ? " Use --timeframe." : "";
                throw new ArgumentException($"{_source}: {ex.Message}{hint}", ex);
            }
        }

        private double ParseNumber(ReadOnlySpan<char> text, long lineNumber, int field)
        {
            if (text.IsEmpty || text.Equals("NaN", StringComparison.OrdinalIgnoreCase))
            {
                return double.NaN;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
            {
                throw Error(lineNumber, field, $"invalid number '{Clip(text)}' (expected a decimal number with '.' as the decimal point, or an empty cell for a missing value)");
            }

            if (double.IsInfinity(value))
            {
                throw Error(lineNumber, field, $"infinite value '{Clip(text)}' (use an empty cell or NaN for a missing value)");
            }

            return value;
        }

        private FormatException Error(long lineNumber, int field, string problem) =>
            new($"{_source}: line {lineNumber}, column {field + 1} ({_layout.FieldNames[field].Trim()}): {problem}.");

        private static string Format(long unixMs) =>
            DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture);

        private static string Clip(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "…");
    }
}
