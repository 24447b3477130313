using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>
/// The temporary file of a durable write, passed through, with the kernel's write-back of its dirty pages started every
/// <see cref="ChunkBytes"/> written (Linux: <c>sync_file_range(fd, from, 0, SYNC_FILE_RANGE_WRITE)</c>, which queues
/// the pages for writing and returns without waiting for them). The disk then writes while the encoder goes on, and
/// the final fsync — still what makes the file durable before the rename — finds little left to do. Without it a
/// file smaller than the machine's background dirty threshold (10% of memory by default) is not written back at all
/// until the fsync, which then waits for the whole file. A hint only: elsewhere, or when the call fails, the stream
/// just passes writes through.
/// </summary>
internal sealed partial class WritebackStream(FileStream file, long chunkBytes = WritebackStream.DefaultChunkBytes) : Stream
{
    /// <summary>Write-back is started after every 32 MB written.</summary>
    public const long DefaultChunkBytes = 32L << 20;

    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE

    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    private long _sinceLast;
    private long _submittedUpTo;
    private bool _off;

    public long ChunkBytes { get; } = chunkBytes > 0 ? chunkBytes : throw new ArgumentOutOfRangeException(nameof(chunkBytes));

    /// <summary>How many write-back requests the kernel accepted for this file (tests).</summary>
    public int Requests { get; private set; }

    public override bool CanRead => file.CanRead;

    public override bool CanSeek => file.CanSeek;

    public override bool CanWrite => file.CanWrite;

    public override long Length => file.Length;

    public override long Position { get => file.Position; set => file.Position = value; }

    public override void Flush() => file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => file.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => file.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        file.ReadAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void SetLength(long value) => file.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        Written(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Written(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Written(int bytes)
    {
        _sinceLast += bytes;
        if (_sinceLast < ChunkBytes || _off || s_unavailable)
        {
            return;
        }

        _sinceLast = 0;
        file.Flush(); // the FileStream's buffer to the kernel (not to the disk)
        long end = file.Position;
        if (end <= _submittedUpTo)
        {
            return;
        }

        try
        {
            if (SyncFileRange(file.SafeFileHandle, _submittedUpTo, 0, SyncFileRangeWrite) == 0)
            {
                Requests++;
                _submittedUpTo = end;
            }
            else
            {
                _off = true; // e.g. a file system that refuses it: the final fsync alone, as without this stream
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
