using System.Buffers;
using System.Text;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>Splitting the input into command lines, DATA content and BDAT chunks.</summary>
internal sealed partial class SmtpSession
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Consumes as much of <paramref name="buffer"/> as can be handled now.</summary>
    /// <returns>The position up to which the input was consumed.</returns>
    private async ValueTask<SequencePosition> ProcessAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        while (_state != SessionState.Closed && !_startTlsPending && buffer.Length > 0 && _unflushedBytes < FlushThreshold)
        {
            switch (_mode)
            {
                case InputMode.Commands:
                    var line = TakeLine(ref buffer);
                    if (line.Kind == LineKind.Incomplete)
                    {
                        return buffer.Start;
                    }

                    var sentEarly = SentBeforeReply(line, buffer);
                    await HandleLineAsync(line, cancellationToken).ConfigureAwait(false);
                    NotePipelining(sentEarly, buffer);
                    _idleSince = _engine.Time.GetUtcNow();
                    break;

                case InputMode.Data:
                    if (!TakeData(ref buffer))
                    {
                        return buffer.Start;
                    }

                    await EndDataAsync(cancellationToken).ConfigureAwait(false);
                    NotePipelining(buffer.IsEmpty ? null : AfterContent, buffer);
                    _idleSince = _engine.Time.GetUtcNow();
                    break;

                case InputMode.Bdat:
                    if (!TakeChunk(ref buffer))
                    {
                        return buffer.Start;
                    }

                    await EndChunkAsync(cancellationToken).ConfigureAwait(false);
                    NotePipelining(buffer.IsEmpty || _mode != InputMode.Commands ? null : AfterContent, buffer);
                    _idleSince = _engine.Time.GetUtcNow();
                    break;
            }
        }

        return buffer.Start;
    }

    private enum LineKind
    {
        Incomplete,
        Command,
        TooLong,
    }

    private readonly record struct Line(LineKind Kind, string Text, bool BareLineEnding, bool HasNul);

    /// <summary>
    /// Takes one command line. A line that exceeds the limit is discarded as it arrives (never buffered past the
    /// limit) and answered once its end is seen (RFC 5321 §4.5.3.1.4).
    /// </summary>
    private Line TakeLine(ref ReadOnlySequence<byte> buffer)
    {
        var lf = buffer.PositionOf((byte)'\n');
        var limit = CommandLineLimit(buffer);
        if (lf is null)
        {
            if (buffer.Length >= limit)
            {
                _discardingLongLine = true;
                buffer = buffer.Slice(buffer.End);
            }

            return default;
        }

        var raw = buffer.Slice(0, lf.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        if (_discardingLongLine || raw.Length + 1 > limit)
        {
            _discardingLongLine = false;
            return new Line(LineKind.TooLong, string.Empty, false, false);
        }

        byte[]? rented = null;
        var length = (int)raw.Length;
        var bytes = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        bytes = bytes[..length];
        raw.CopyTo(bytes);
        var bare = true;
        if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
            bare = false;
        }

        bare |= bytes.Contains((byte)'\r');
        var hasNul = bytes.Contains((byte)0);
        var text = Encoding.UTF8.GetString(bytes);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return new Line(LineKind.Command, text, bare, hasNul);
    }

    /// <summary>Takes DATA content; returns true once the terminating <c>CRLF.CRLF</c> has been consumed.</summary>
    private bool TakeData(ref ReadOnlySequence<byte> buffer)
    {
        var position = buffer.Start;
        foreach (var segment in buffer)
        {
            var used = _unstuffer.Decode(segment.Span, _content, out var done);
            position = buffer.GetPosition(used, position);
            if (done)
            {
                buffer = buffer.Slice(position);
                return true;
            }
        }

        buffer = buffer.Slice(buffer.End);
        return false;
    }

    /// <summary>Takes BDAT chunk octets (RFC 3030: exactly the declared count, no transparency); true when complete.</summary>
    private bool TakeChunk(ref ReadOnlySequence<byte> buffer)
    {
        var take = Math.Min(_bdatRemaining, buffer.Length);
        foreach (var segment in buffer.Slice(0, take))
        {
            if (_bdatDiscardReply is null)
            {
                _content.Append(segment.Span);
            }
        }

        buffer = buffer.Slice(take);
        _bdatRemaining -= take;
        return _bdatRemaining == 0;
    }

    private TimeSpan CurrentTimeout()
    {
        // A timer cannot wait longer than uint.MaxValue - 1 ms (about 49 days); a longer timeout is as good as none.
        var idle = _options.IdleTimeout < MaxTimer ? _options.IdleTimeout : MaxTimer;
        var now = _engine.Time.GetUtcNow();
        if (_mode == InputMode.Commands)
        {
            var idleLeft = _idleSince + idle - now;
            return idleLeft > TimeSpan.Zero ? idleLeft : TimeSpan.Zero;
        }

        var left = _dataDeadline - now;
        var timeout = left < idle ? left : idle;
        return timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero;
    }

    private static bool IsConnectionError(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException { Source: "System.IO.Pipelines" };
}
