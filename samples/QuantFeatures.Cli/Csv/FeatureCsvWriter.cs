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
/// <remarks>Rows are formatted into one reusable character buffer: no allocation per row or per value.</remarks>
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

        // time (20 chars) + per value: a comma and at most 24 chars ("-1.2345678901234567E-308").
        var buffer = new char[32 + (columns.Length * 32)];
        var time = matrix.Time;
        for (int t = 0; t < time.Length; t++)
        {
            int pos = FormatTime(time[t], buffer);
            for (int j = 0; j < columns.Length; j++)
            {
                buffer[pos++] = ',';
                double v = columns[j][t];
                if (!double.IsNaN(v))
                {
                    if (!v.TryFormat(buffer.AsSpan(pos), out int written, "R", CultureInfo.InvariantCulture))
                    {
                        throw new InvalidOperationException($"Value {v} does not fit the row buffer.");
                    }

                    pos += written;
                }
            }

            buffer[pos++] = '\n';
            writer.Write(buffer, 0, pos);
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
}
