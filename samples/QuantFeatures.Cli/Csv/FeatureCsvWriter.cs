using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace QuantFeatures.Cli.Csv;

/// <summary>
/// Writes a <see cref="FeatureMatrix"/> as CSV: a header <c>time,&lt;feature names&gt;</c>, then one row per bar with
/// the bar's OPEN time as <c>yyyy-MM-ddTHH:mm:ssZ</c> (UTC) and the values in invariant culture, shortest round-trip
/// form (<c>double.Parse</c> gives back the exact double); NaN is an empty cell.
/// </summary>
/// <remarks>Rows are formatted in blocks into reusable character buffers (in parallel across cores, written in order):
/// no allocation per row or per value, memory bounded by one batch of blocks.</remarks>
public static class FeatureCsvWriter
{
    /// <summary>The header of the time column.</summary>
    public const string TimeHeader = "time";

    /// <summary>Writes to a file, atomically: a temporary file next to it is renamed when complete. A <c>.gz</c> path is gzip-compressed.</summary>
    public static void WriteFile(FeatureMatrix matrix, string path)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': the directory '{dir}' does not exist.");
        }

        if (Directory.Exists(full))
        {
            throw new IOException($"Cannot write '{path}': it is a directory.");
        }

        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                {
                    using var gz = new GZipStream(file, CompressionLevel.Optimal);
                    Write(matrix, gz);
                }
                else
                {
                    Write(matrix, file);
                }
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes UTF-8 (no BOM) CSV with <c>\n</c> line ends to a stream (left open).</summary>
    public static void Write(FeatureMatrix matrix, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        Write(matrix, writer);
    }

    /// <summary>Writes CSV with <c>\n</c> line ends to a text writer.</summary>
    public static void Write(FeatureMatrix matrix, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(TimeHeader);
        var columns = new double[matrix.ColumnCount][];
        for (int j = 0; j < matrix.ColumnCount; j++)
        {
            writer.Write(',');
            writer.Write(matrix.Names[j]);
            columns[j] = MemoryMarshal.TryGetArray(matrix.GetMemory(j), out var segment) && segment.Offset == 0
                ? segment.Array!
                : matrix.GetMemory(j).ToArray();
        }

        writer.Write('\n');

        // Formatting a double in shortest round-trip form costs ~200 ns, far more than computing it, so blocks of rows
        // are formatted in parallel into per-block buffers and written in order. Memory stays bounded: at most
        // one batch of blocks (one per core) is held at a time.
        var time = matrix.Time.ToArray();
        int rowsPerBlock = Math.Clamp((1 << 20) / Math.Max(1, columns.Length * 24), 64, 4096);
        int blocksPerBatch = Math.Max(1, Environment.ProcessorCount);
        int blockCount = (time.Length + rowsPerBlock - 1) / rowsPerBlock;
        var buffers = new RowBlock[blocksPerBatch];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new RowBlock(columns.Length);
        }

        for (int first = 0; first < blockCount; first += blocksPerBatch)
        {
            int count = Math.Min(blocksPerBatch, blockCount - first);
            if (count == 1)
            {
                buffers[0].Format(time, columns, first * rowsPerBlock, Math.Min(time.Length, (first + 1) * rowsPerBlock));
            }
            else
            {
                Parallel.For(0, count, b =>
                {
                    int block = first + b;
                    buffers[b].Format(time, columns, block * rowsPerBlock, Math.Min(time.Length, (block + 1) * rowsPerBlock));
                });
            }

            for (int b = 0; b < count; b++)
            {
                writer.Write(buffers[b].Chars, 0, buffers[b].Length);
            }
        }

        writer.Flush();
    }

    /// <summary>Formats Unix milliseconds as <c>yyyy-MM-ddTHH:mm:ssZ</c> (UTC) into <paramref name="destination"/>.</summary>
    /// <returns>The number of characters written (20).</returns>
    public static int FormatTime(long unixMs, Span<char> destination)
    {
        var utc = new DateTime(DateTime.UnixEpoch.Ticks + (unixMs * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        if (!utc.TryFormat(destination, out int written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException("Destination is too small for a time.", nameof(destination));
        }

        return written;
    }

    /// <summary>A reusable character buffer holding a block of formatted rows.</summary>
    private sealed class RowBlock
    {
        // Per row: the time (20 chars) and a line break; per value: a comma and at most 24 chars ("-2.2250738585072014E-308").
        private readonly int _maxRowLength;

        public RowBlock(int columns) => _maxRowLength = 24 + (columns * 26);

        public char[] Chars { get; private set; } = [];

        public int Length { get; private set; }

        public void Format(long[] time, double[][] columns, int start, int end)
        {
            int needed = (end - start) * _maxRowLength;
            if (Chars.Length < needed)
            {
                Chars = new char[needed];
            }

            var buffer = Chars.AsSpan();
            int pos = 0;
            for (int t = start; t < end; t++)
            {
                pos += FormatTime(time[t], buffer[pos..]);
                for (int j = 0; j < columns.Length; j++)
                {
                    buffer[pos++] = ',';
                    double v = columns[j][t];
                    if (!double.IsNaN(v))
                    {
                        if (!v.TryFormat(buffer[pos..], out int written, "R", CultureInfo.InvariantCulture))
                        {
                            throw new InvalidOperationException($"Value {v} does not fit the row buffer.");
                        }

                        pos += written;
                    }
                }

                buffer[pos++] = '\n';
            }

            Length = pos;
        }
    }
}
