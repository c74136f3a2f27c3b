using System.Buffers;

namespace SmtpFixture.Protocol;

/// <summary>Handing the input to the handler of what it is (command line, DATA content, BDAT chunk), and the timeouts.</summary>
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
                    var limit = InputFramer.LineLimit(buffer, _security.InExchange, _engine.Security.AuthenticationEnabled, _options.MaxCommandLength, _engine.ParameterLineAllowance);
                    var line = _input.TakeLine(ref buffer, limit);
                    if (line.Kind == LineKind.Incomplete)
                    {
                        return buffer.Start;
                    }

                    var sentEarly = Checks.SentBeforeReply(line, buffer);
                    await _commands.HandleLineAsync(line, cancellationToken).ConfigureAwait(false);
                    Checks.NotePipelining(sentEarly, buffer);
                    _idleSince = _engine.Time.GetUtcNow();
                    break;

                case InputMode.Data:
                    if (!_input.TakeData(ref buffer))
                    {
                        return buffer.Start;
                    }

                    await _content.EndDataAsync(cancellationToken).ConfigureAwait(false);
                    Checks.NotePipelining(buffer.IsEmpty ? null : ClientChecks.AfterContent, buffer);
                    _idleSince = _engine.Time.GetUtcNow();
                    break;

                case InputMode.Bdat:
                    if (!_input.TakeChunk(ref buffer))
                    {
                        return buffer.Start;
                    }

                    await _content.EndChunkAsync(cancellationToken).ConfigureAwait(false);
                    Checks.NotePipelining(buffer.IsEmpty || _mode != InputMode.Commands ? null : ClientChecks.AfterContent, buffer);
                    _idleSince = _engine.Time.GetUtcNow();
                    break;
            }
        }

        return buffer.Start;
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

    internal static bool IsConnectionError(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException { Source: "System.IO.Pipelines" };
}
