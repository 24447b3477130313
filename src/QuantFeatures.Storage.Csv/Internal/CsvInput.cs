using System.Buffers.Binary;
using System.IO.Compression;

namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>
/// Opens a data file for streaming: plain CSV, gzip (<c>.gz</c>) or a zip archive holding one CSV (Binance's
/// daily/monthly <c>.zip</c>). The container is recognised by its magic bytes, so a misnamed file still reads.
/// </summary>
internal sealed class CsvInput : IDisposable
{
    private readonly FileStream _file;
    private readonly ZipArchive? _zip;

    private CsvInput(FileStream file, ZipArchive? zip, Stream stream, string source)
    {
        _file = file;
        _zip = zip;
        Stream = stream;
        Source = source;
    }

    /// <summary>The decoded CSV bytes.</summary>
    public Stream Stream { get; }

    /// <summary>The name used in messages: the path, plus <c>[entry]</c> for a zip archive.</summary>
    public string Source { get; }

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The zip archive is invalid or does not hold exactly one CSV file.</exception>
    public static CsvInput Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"'{path}' is a directory, not a data file." : $"Data file '{path}' does not exist.", path);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            int n = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            file.Position = 0;
            if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                // The last four bytes are ISIZE, the uncompressed length mod 2^32 (checked at the end of the stream).
                uint size = 0;
                if (file.Length >= 18)
                {
                    file.Position = file.Length - 4;
                    file.ReadExactly(magic);
                    file.Position = 0;
                    size = BinaryPrimitives.ReadUInt32LittleEndian(magic);
                }

                var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                return new CsvInput(file, null, new GzipCheckStream(gzip, size), path);
            }

            if (n == 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] is 3 or 5 && magic[3] is 4 or 6)
            {
                return OpenZip(path, file);
            }

            return new CsvInput(file, null, file, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!ReferenceEquals(Stream, _file))
        {
            Stream.Dispose();
        }

        _zip?.Dispose();
        _file.Dispose();
    }

    private static CsvInput OpenZip(string path, FileStream file)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: not a valid zip archive ({ex.Message})", ex);
        }

        try
        {
            var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var csv = files.Where(e => e.FullName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).ToList();
            if (csv.Count != 1)
            {
                string listing = files.Count == 0 ? "it is empty" : "it holds " + string.Join(", ", files.Select(e => e.FullName));
                throw new InvalidDataException($"{path}: expected exactly one .csv file in the zip archive (as Binance ships them), but {listing}.");
            }

            Stream entry;
            try
            {
                entry = csv[0].Open();
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"{path}[{csv[0].FullName}]: the archive entry cannot be read ({ex.Message})", ex);
            }

            return new CsvInput(file, zip, entry, $"{path}[{csv[0].FullName}]");
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }
}
