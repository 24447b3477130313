namespace QuantFeatures.Storage.Csv.Internal;

/// <summary>
/// Wraps a gzip decompression stream and, at its end, checks the decompressed length against the gzip trailer's
/// ISIZE (length mod 2³²). The runtime's decompressor ends silently on a truncated file (a partial download); this
/// turns that into an <see cref="InvalidDataException"/>. (A multi-member gzip whose members are not all in the last
/// trailer is reported too: such files are rare for CSV data.)
/// </summary>
internal sealed class GzipCheckStream(Stream inner, uint expectedSize) : Stream
{
    private ulong _count;
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => (long)_count; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer), buffer.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read, int requested)
    {
        _count += (ulong)read;
        if (read == 0 && requested > 0 && !_checked)
        {
            _checked = true;
            if ((uint)_count != expectedSize)
            {
                throw new InvalidDataException(
                    $"the gzip data ends after {_count} bytes but its trailer says {expectedSize} (mod 2^32): the file is truncated or corrupt");
            }
        }

        return read;
    }
}
