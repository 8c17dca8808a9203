using System.Buffers;

namespace Ccx.Dns.Providers.Webhook.Internal;

/// <summary>A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>: a request body being written, or a response body read under a limit.</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 4096;
    private byte[] _buffer;
    private int _length;

    public PooledBuffer(int initialSize = MinimumSize)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, MinimumSize));
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The number of bytes written.</summary>
    public int Length => _length;

    /// <summary>
    /// Reads a stream to its end into a new buffer, refusing more than <paramref name="limit"/> bytes: the read stops at
    /// the first byte over the limit and returns <see langword="null"/>.
    /// </summary>
    public static async Task<PooledBuffer?> ReadAsync(Stream stream, long? contentLength, long limit, CancellationToken cancellationToken)
    {
        var buffer = new PooledBuffer(contentLength is > 0 and <= int.MaxValue ? (int)Math.Min(contentLength.Value + 1, limit + 1) : MinimumSize);
        try
        {
            while (true)
            {
                if (buffer._length == buffer._buffer.Length)
                {
                    buffer.Grow(buffer._buffer.Length * 2);
                }

                var read = await stream.ReadAsync(buffer._buffer.AsMemory(buffer._length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var result = buffer;
                    buffer = null;
                    return result;
                }

                buffer._length += read;
                if (buffer._length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            buffer?.Dispose();
        }
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _length);
        _length += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _length < needed)
        {
            Grow(Math.Max(_buffer.Length * 2, _length + needed));
        }
    }

    private void Grow(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
