using System.Buffers;

namespace SmtpFixture.Protocol;

/// <summary>
/// Collects the content of one message from pooled memory, up to a limit. Past the limit it only counts, so that a
/// client cannot make the server buffer more than the maximum message size (RFC 1870 §6).
/// </summary>
internal sealed class MessageBuffer : IDisposable
{
    private readonly long _ceiling;
    private byte[] _buffer = [];
    private long _limit;

    public MessageBuffer()
        : this(Array.MaxLength)
    {
    }

    /// <summary>Creates a buffer that never stores more than <paramref name="ceiling"/> bytes (tests use a small one).</summary>
    internal MessageBuffer(long ceiling) => _ceiling = ceiling;

    /// <summary>The bytes received so far, stored or not.</summary>
    public long Length { get; private set; }

    /// <summary>Whether more than the limit arrived (the excess was discarded).</summary>
    public bool Overflowed => Length > _limit;

    /// <summary>Starts a new message with the given limit (0 = none).</summary>
    public void Start(long limit)
    {
        // Without a limit, the largest array is one: beyond it the message is refused (552 5.3.4) like an oversized
        // one, rather than the buffer throwing.
        _limit = limit > 0 && limit < _ceiling ? limit : _ceiling;
        Length = 0;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        var newLength = Length + bytes.Length;
        if (newLength > _limit)
        {
            Length = newLength;
            return;
        }

        if (newLength > _buffer.Length)
        {
            Grow(newLength);
        }

        bytes.CopyTo(_buffer.AsSpan((int)Length));
        Length = newLength;
    }

    public void Append(byte value) => Append([value]);

    /// <summary>The stored bytes as an array of exactly their size: the only copy a captured message keeps.</summary>
    public byte[] ToArray()
    {
        if (Overflowed || Length == 0)
        {
            return [];
        }

        // Uninitialized: every byte is overwritten at once, and zeroing a large array first would touch its memory twice.
        var copy = GC.AllocateUninitializedArray<byte>((int)Length);
        _buffer.AsSpan(0, (int)Length).CopyTo(copy);
        return copy;
    }

    /// <summary>Returns the memory to the pool after a message; a session keeps the buffer between messages.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Grow(long needed)
    {
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("A message larger than 2 GiB cannot be captured; set MaxMessageSize.");
        }

        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(4096, (long)_buffer.Length * 2)));
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, (int)Length).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = next;
    }
}
