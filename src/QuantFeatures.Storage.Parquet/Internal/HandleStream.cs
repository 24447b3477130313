using Microsoft.Win32.SafeHandles;

namespace QuantFeatures.Storage.Parquet.Internal;

/// <summary>A read-only, seekable stream with its own position over a shared file handle (positional reads), so that
/// several Parquet readers decode row groups of the same open file — the same version of it — in parallel.</summary>
internal sealed class HandleStream(SafeFileHandle handle, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = RandomAccess.Read(handle, buffer, _position);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await RandomAccess.ReadAsync(handle, buffer, _position, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A store file is read-only here.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A store file is read-only here.");
}
