using Microsoft.Extensions.Logging;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>Writing replies, consulting the policies and carrying out their verdicts.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>Writes a reply and records it on the attempt; the write is flushed when the session next waits for input.</summary>
    private void Reply(SmtpStage stage, string command, SmtpReply reply, string? answeredBy = null)
    {
        _recorder.Record(Info, stage, command, reply, answeredBy);
        Write(reply);
        if (answeredBy is null && reply.Code is (>= 500 and <= 503) or 555)
        {
            _badCommands++;
        }
        else if (reply.IsPositive)
        {
            _badCommands = 0;
        }
    }

    private void Write(SmtpReply reply)
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
    private void EndTransaction(SmtpAttemptOutcome outcome, ReceivedMessage? message = null)
    {
        _recorder.End(outcome, message);
        _transaction = null;
        if (_state.InTransaction())
        {
            _state = _clientName is null ? SessionState.Connected : SessionState.Greeted;
        }
    }

    /// <summary>Runs the policies (all, or <paramref name="only"/> these) for a stage with what the session and its transaction know so far.</summary>
    private ValueTask<PolicyDecision> ConsultAsync(
        SmtpStage stage, string? command, string? argument, SmtpParameters parameters, ReadOnlyMemory<byte> data, CancellationToken cancellationToken, SmtpPolicy[]? only = null)
    {
        var policies = only ?? _engine.PolicyChain;
        if (policies.Length == 0)
        {
            return new(PolicyDecision.Default);
        }

        var transaction = _transaction;
        var context = new SmtpPolicyContext(stage)
        {
            Session = Info,
            Command = command,
            Argument = argument,
            Parameters = parameters,
            MailParameters = stage == SmtpStage.MailFrom ? parameters : transaction?.MailParameters ?? SmtpParameters.Empty,
            MailFrom = transaction?.MailFrom,
            Recipients = transaction?.RecipientAddresses() ?? [],
            TransactionNumber = stage == SmtpStage.MailFrom ? _transactionNumber : transaction?.Number ?? 0,
            MessageData = data,
            TimeProvider = _engine.Time,
        };
        return PolicyRunner.RunAsync(_engine, policies, context, _id, cancellationToken);
    }

    /// <summary>Carries out a policy decision: the default reply, the policy's reply (maybe then closing), or dropping the connection.</summary>
    private async ValueTask ApplyAsync(SmtpStage stage, string command, PolicyDecision decision, SmtpReply defaultReply, CancellationToken cancellationToken)
    {
        var verdict = decision.Verdict;
        if (decision.IsDefault)
        {
            Reply(stage, command, defaultReply);
            return;
        }

        if (verdict.Kind == SmtpVerdictKind.Drop)
        {
            // Replies already due to earlier pipelined commands go out; then the connection vanishes.
            _state = SessionState.Closed;
            _recorder.Record(Info, stage, command, new SmtpReply(421, "4.4.0", "<connection dropped without a reply>"), decision.By);

            // Final before the client can see the connection close, so a test that saw it finds the attempt refused.
            EndTransaction(SmtpAttemptOutcome.Refused);
            if (_pendingOutput)
            {
                _pendingOutput = false;
                _unflushedBytes = 0;
                await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            _transport.Abort();
            return;
        }

        Reply(stage, command, verdict.ReplyToSend!, decision.By);
        if (verdict.CloseAfterReply)
        {
            _state = SessionState.Closed;
        }
    }

    /// <summary>
    /// Refuses a message whose content outgrew its buffer (which never holds more than the size limit): the size limit
    /// of the options decides, as for a declared SIZE; without one, the largest array the buffer can have was reached.
    /// </summary>
    private void RefuseOversized(SmtpStage stage, string command)
    {
        var limit = _engine.MaxMessageSize;
        Reply(stage, command, limit?.Judge(_input.Content.Length).ReplyToSend ?? SmtpReplies.MessageTooLarge, limit?.Name);
        EndTransaction(SmtpAttemptOutcome.Refused);
    }

    /// <summary>Records the 421 that ends a session the server cuts off (timeout, shutdown), before it is sent.</summary>
    private void RecordServerClosing(CloseReason reason, SmtpReply reply)
    {
        var command = reason switch
        {
            CloseReason.Idle => "<idle timeout>",
            CloseReason.DataTimeout => "<data timeout>",
            _ => "<server shutting down>",
        };
        var exchange = new SmtpExchange(_mode == InputMode.Commands ? SmtpStage.Other : SmtpStage.Data, command, reply, null, _engine.Time.GetUtcNow());
        _recorder.RecordClosing(Info, exchange, alone: reason != CloseReason.Shutdown);
    }

    /// <summary>Sends a last 421 when the server closes the session (shutdown, timeouts), bounded so a dead client cannot stall it.</summary>
    private async Task SayGoodbyeAsync(SmtpReply reply)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            Write(reply);
            await Output.FlushAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || IsConnectionError(ex))
        {
            // The client is gone or not reading; the connection is closed next anyway.
        }
    }
}
