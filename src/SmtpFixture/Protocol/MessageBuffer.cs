using System.Buffers;

namespace SmtpFixture.Protocol;

/// <summary>
/// Collects the content of one message from pooled memory, up to a limit. Past the limit it only counts, so that a
/// client cannot make the server buffer more than the maximum message size (RFC 1870 §6).
/// </summary>
internal sealed class MessageBuffer : IDisposable
{
    private byte[] _buffer = [];
    private long _limit;

    /// <summary>The bytes received so far, stored or not.</summary>
    public long Length { get; private set; }

    /// <summary>Whether more than the limit arrived (the excess was discarded).</summary>
    public bool Overflowed => _limit > 0 && Length > _limit;

    /// <summary>Starts a new message with the given limit (0 = none).</summary>
    public void Start(long limit)
    {
        _limit = limit;
        Length = 0;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        var newLength = Length + bytes.Length;
        if (_limit > 0 && newLength > _limit)
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
