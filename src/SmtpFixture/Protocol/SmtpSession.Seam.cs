using Microsoft.Extensions.Logging;
using SmtpFixture.Transport;

namespace SmtpFixture.Protocol;

/// <summary>
/// The seam the session's jobs (<see cref="CommandDispatcher"/>, the greeting, envelope, content and security handlers,
/// <see cref="ClientChecks"/>, <see cref="PolicyRunner"/>) work through: the state they may read and change, writing and
/// recording replies, ending a transaction. The read loop, flushing and the timeouts stay private to the session.
/// </summary>
internal sealed partial class SmtpSession
{
    internal SmtpEngine Engine => _engine;

    internal SmtpTestServerOptions Options => _options;

    internal ILogger Logger => _log;

    internal ISmtpTransport Transport => _transport;

    /// <summary>The input framer, which also holds the content buffer of the current message.</summary>
    internal InputFramer Framer => _input;

    internal SessionState State { get => _state; set => _state = value; }

    internal InputMode Mode { get => _mode; set => _mode = value; }

    internal bool StartTlsPending { get => _startTlsPending; set => _startTlsPending = value; }

    internal bool InSaslExchange => _security.InExchange;

    internal ClientIdentity Client { get; }

    internal AttemptRecorder Recorder { get; }

    internal PolicyRunner Policies { get; }

    internal ClientChecks Checks { get; }

    /// <summary>The current transaction (RFC 5321 §3.3), null outside one.</summary>
    internal Transaction? CurrentTransaction { get; set; }

    /// <summary>The number of the transaction MAIL is opening, drawn before the policies see it.</summary>
    internal int TransactionNumber { get; set; }

    /// <summary>Replies of 500–503 and 555 the session's own rules gave since the last positive reply (see Reply).</summary>
    internal int BadCommands { get; private set; }

    /// <summary>Message content is read from now on (DATA, a BDAT chunk), under the data timeout of RFC 5321 §4.5.3.2.</summary>
    internal void ArmDataDeadline() => _dataDeadline = _engine.Time.GetUtcNow() + _options.DataTimeout;

    /// <summary>A delivered message is progress, as any positive reply is (see Reply): the bad-command count restarts.</summary>
    internal void NoteProgress() => BadCommands = 0;

    /// <summary>Writes a reply and records it on the attempt; the write is flushed when the session next waits for input.</summary>
    internal void Reply(SmtpStage stage, string command, SmtpReply reply, string? answeredBy = null)
    {
        Recorder.Record(Client.Info, stage, command, reply, answeredBy);
        Write(reply);
        if (answeredBy is null && reply.Code is (>= 500 and <= 503) or 555)
        {
            BadCommands++;
        }
        else if (reply.IsPositive)
        {
            BadCommands = 0;
        }
    }

    internal void Write(SmtpReply reply)
    {
        _unflushedBytes += reply.WriteTo(Output, _enhanced);
        _pendingOutput = true;
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.ServerReply(_log, _id, _enhanced ? reply.ToString() : $"{reply.Code} {reply.Text}");
        }
    }

    /// <summary>
    /// The one place where a transaction ends (RFC 5321 §4.1.1.5): completed, refused, reset or cut off. The attempt
    /// gets its outcome unless it already has one, and the session is back to its greeted (or connected) state.
    /// </summary>
    internal void EndTransaction(SmtpAttemptOutcome outcome, ReceivedMessage? message = null)
    {
        Recorder.End(outcome, message);
        CurrentTransaction = null;
        if (_state.InTransaction())
        {
            _state = Client.Name is null ? SessionState.Connected : SessionState.Greeted;
        }
    }

    /// <summary>Sends the replies written so far now, rather than when the session next waits for input.</summary>
    internal async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pendingOutput)
        {
            _pendingOutput = false;
            _unflushedBytes = 0;
            await Output.FlushFullyAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
