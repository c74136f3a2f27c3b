using Microsoft.Extensions.Logging;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>Writing replies, recording attempts and consulting the policies.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>Writes a reply and records it on the attempt; the write is flushed when the session next waits for input.</summary>
    private void Reply(SmtpStage stage, string command, SmtpReply reply, string? answeredBy = null)
    {
        Record(stage, command, reply, answeredBy);
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
    /// Adds the exchange to the current attempt. A refusal outside a transaction (at connect, EHLO, AUTH, or a MAIL,
    /// RCPT or DATA out of sequence) becomes an attempt of its own, so that no refusal goes unrecorded.
    /// Every refusal is also reported through <see cref="MessageStore.CommandRefused"/> (the server's public event).
    /// </summary>
    private void Record(SmtpStage stage, string command, SmtpReply reply, string? answeredBy)
    {
        if (_attempt is null && reply.IsPositive)
        {
            return;
        }

        var exchange = new SmtpExchange(stage, command, reply, answeredBy, _engine.Time.GetUtcNow());
        if (_attempt is not null)
        {
            _attempt.Add(exchange);
        }
        else if (stage != SmtpStage.Other)
        {
            var attempt = NewAttempt();
            attempt.Add(exchange);
            attempt.Complete(SmtpAttemptOutcome.Refused);
        }

        if (!reply.IsPositive)
        {
            _engine.Store.CommandRefused?.Invoke(Info, exchange);
        }
    }

    private SmtpAttempt NewAttempt()
    {
        var attempt = new SmtpAttempt(Info, _engine.Time.GetUtcNow());
        foreach (var violation in _pendingViolations)
        {
            attempt.AddViolation(violation);
        }

        _pendingViolations.Clear();
        _engine.Store.AddAttempt(attempt);
        return attempt;
    }

    /// <summary>Ends the current transaction (RFC 5321 §4.1.1.5) with the given outcome unless it already has one.</summary>
    private void EndTransaction(SmtpAttemptOutcome outcome)
    {
        if (_attempt is { Outcome: SmtpAttemptOutcome.InProgress } attempt)
        {
            attempt.Complete(outcome == SmtpAttemptOutcome.Aborted && attempt.HasRefusal ? SmtpAttemptOutcome.Refused : outcome);
        }

        _attempt = null;
        _mailFrom = null;
        _mailParameters = SmtpParameters.Empty;
        _recipients.Clear();
        _bdatStarted = false;
    }

    /// <summary>Runs the policies in order; the first decisive verdict wins. A policy that throws gets the client 451 4.3.0.</summary>
    private async ValueTask<(SmtpVerdict Verdict, string? By)> ConsultAsync(
        SmtpStage stage, string? command, string? address, SmtpParameters parameters, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var policies = _engine.PolicyChain;
        if (policies.Length == 0)
        {
            return (SmtpVerdict.Continue, null);
        }

        var context = new SmtpPolicyContext(stage)
        {
            Session = Info,
            Command = command,
            Argument = address,
            Parameters = parameters,
            MailParameters = stage == SmtpStage.MailFrom ? parameters : _mailParameters,
            MailFrom = _mailFrom,
            Recipients = _recipients.Select(r => r.Address).ToArray(),
            TransactionNumber = _mailFrom is null && stage != SmtpStage.MailFrom ? 0 : _transactionNumber,
            MessageData = data,
            TimeProvider = _engine.Time,
        };
        foreach (var policy in policies)
        {
            SmtpVerdict verdict;
            try
            {
                verdict = await policy.EvaluateAsync(context, cancellationToken).ConfigureAwait(false) ?? SmtpVerdict.Continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                _engine.Store.ReportError(new InvalidOperationException($"Policy '{policy.Name}' threw at {stage} in session {_id} (the client was answered {Replies.PolicyFailed.Code} {Replies.PolicyFailed.EnhancedStatusCode}): {ex.Message}", ex));
                Log.WhileHandlingFailure(static x => Log.PolicyFailed(x.Item1, x.Item2, x.Item3, x.Item4, x.Item5), (_log, _id, policy.Name, stage, ex));
                return (SmtpVerdict.Reply(Replies.PolicyFailed), policy.Name);
            }

            switch (verdict.Kind)
            {
                case SmtpVerdictKind.Continue:
                    continue;
                case SmtpVerdictKind.Delay:
                    await Task.Delay(verdict.DelayDuration, _engine.Time, cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    return (verdict, verdict.AnsweredBy ?? policy.Name);
            }
        }

        return (SmtpVerdict.Continue, null);
    }

    /// <summary>Carries out a decisive verdict: a reply (maybe then closing) or dropping the connection without one.</summary>
    private async ValueTask ApplyAsync(SmtpStage stage, string command, SmtpVerdict verdict, string? by, CancellationToken cancellationToken)
    {
        if (verdict.Kind == SmtpVerdictKind.Drop)
        {
            // Replies already due to earlier pipelined commands go out; then the connection vanishes.
            _close = true;
            Record(stage, command, new SmtpReply(421, "4.4.0", "<connection dropped without a reply>"), by);

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

        Reply(stage, command, verdict.ReplyToSend!, by);
        _close |= verdict.CloseAfterReply;
    }

    /// <summary>
    /// Records the 421 that ends a session the server cuts off (timeout, shutdown), before it is sent. On a transaction
    /// under way it is the last exchange, and the attempt reads as Aborted: the client was not refused, it ran out of
    /// time or the server went away (a refusal earlier in the attempt still makes it Refused, as for RSET). A timeout
    /// outside a transaction becomes an Aborted attempt of its own; a shutdown there is not worth one.
    /// </summary>
    private void RecordServerClosing(CloseReason reason, SmtpReply reply)
    {
        var command = reason switch
        {
            CloseReason.Idle => "<idle timeout>",
            CloseReason.DataTimeout => "<data timeout>",
            _ => "<server shutting down>",
        };
        var exchange = new SmtpExchange(_mode == InputMode.Commands ? SmtpStage.Other : SmtpStage.Data, command, reply, null, _engine.Time.GetUtcNow());
        if (_attempt is { Outcome: SmtpAttemptOutcome.InProgress } attempt)
        {
            // Decided before the 421 is added, which would otherwise count as a refusal.
            var outcome = attempt.HasRefusal ? SmtpAttemptOutcome.Refused : SmtpAttemptOutcome.Aborted;
            attempt.Add(exchange);
            attempt.Complete(outcome);
        }
        else if (reason != CloseReason.Shutdown)
        {
            var standalone = NewAttempt();
            standalone.Add(exchange);
            standalone.Complete(SmtpAttemptOutcome.Aborted);
        }
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
