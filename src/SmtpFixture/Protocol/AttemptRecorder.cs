using SmtpFixture.Checks;

namespace SmtpFixture.Protocol;

/// <summary>
/// Records what a client tried (RFC 5321 commands and the replies they got) as <see cref="SmtpAttempt"/>s in the
/// store: one attempt per transaction, and one of its own for a refusal outside a transaction (at connect, EHLO,
/// AUTH, a command out of sequence), so that no refusal goes unrecorded. Every refusal is also reported through
/// <see cref="MessageStore.CommandRefused"/>. Used by the session and by the listener (sessions refused at connect).
/// </summary>
internal sealed class AttemptRecorder(MessageStore store, TimeProvider time)
{
    private readonly List<SmtpViolation> _pendingViolations = [];

    /// <summary>The attempt of the transaction under way, or <see langword="null"/>.</summary>
    public SmtpAttempt? Current { get; private set; }

    /// <summary>Starts the attempt of a transaction; violations noticed before it are carried into it.</summary>
    public SmtpAttempt Begin(SmtpSessionInfo session)
    {
        var attempt = New(session);
        Current = attempt;
        return attempt;
    }

    /// <summary>
    /// Adds an exchange to the current attempt; outside one, a refusal becomes an attempt of its own (except at
    /// <see cref="SmtpStage.Other"/>: NOOP, RSET, unknown commands), and a positive reply is not recorded.
    /// </summary>
    public void Record(SmtpSessionInfo session, SmtpStage stage, string command, SmtpReply reply, string? answeredBy)
    {
        if (Current is null && reply.IsPositive)
        {
            return;
        }

        var exchange = new SmtpExchange(stage, command, reply, answeredBy, time.GetUtcNow());
        if (Current is not null)
        {
            Current.Add(exchange);
        }
        else if (stage != SmtpStage.Other)
        {
            Alone(session, exchange, SmtpAttemptOutcome.Refused);
        }

        if (!reply.IsPositive)
        {
            store.CommandRefused?.Invoke(session, exchange);
        }
    }

    /// <summary>
    /// Ends the current attempt with <paramref name="outcome"/> unless it already has one. An aborted attempt (RSET,
    /// a new EHLO, a lost connection) that had a refusal reads as refused.
    /// </summary>
    public void End(SmtpAttemptOutcome outcome, ReceivedMessage? message = null)
    {
        if (Current is { Outcome: SmtpAttemptOutcome.InProgress } attempt)
        {
            attempt.Complete(outcome == SmtpAttemptOutcome.Aborted && attempt.HasRefusal ? SmtpAttemptOutcome.Refused : outcome, message);
        }

        Current = null;
    }

    /// <summary>
    /// Records the 421 that ends a session the server cuts off (timeout, shutdown), before it is sent: the last exchange
    /// of the transaction under way, which reads as Aborted (the client was not refused, it ran out of time or the
    /// server went away; a refusal earlier still makes it Refused). Outside a transaction it becomes an Aborted attempt
    /// of its own when <paramref name="alone"/> (a timeout; a shutdown there is not worth one).
    /// </summary>
    public void RecordClosing(SmtpSessionInfo session, SmtpExchange exchange, bool alone)
    {
        if (Current is { Outcome: SmtpAttemptOutcome.InProgress } attempt)
        {
            // Decided before the 421 is added, which would otherwise count as a refusal.
            var outcome = attempt.HasRefusal ? SmtpAttemptOutcome.Refused : SmtpAttemptOutcome.Aborted;
            attempt.Add(exchange);
            attempt.Complete(outcome);
        }
        else if (alone)
        {
            Alone(session, exchange, SmtpAttemptOutcome.Aborted);
        }
    }

    /// <summary>Records a violation on the current attempt (or the next one to start) and in the store's list of all.</summary>
    public void NoteViolation(SmtpViolation violation)
    {
        if (Current is not null)
        {
            Current.AddViolation(violation);
        }
        else
        {
            _pendingViolations.Add(violation);
        }

        store.AddViolation(violation);
    }

    private void Alone(SmtpSessionInfo session, SmtpExchange exchange, SmtpAttemptOutcome outcome)
    {
        var attempt = New(session);
        attempt.Add(exchange);
        attempt.Complete(outcome);
    }

    private SmtpAttempt New(SmtpSessionInfo session)
    {
        var attempt = new SmtpAttempt(session, time.GetUtcNow());
        foreach (var violation in _pendingViolations)
        {
            attempt.AddViolation(violation);
        }

        _pendingViolations.Clear();
        store.AddAttempt(attempt);
        return attempt;
    }
}
