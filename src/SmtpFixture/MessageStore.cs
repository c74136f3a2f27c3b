using System.Text;
using SmtpFixture.Checks;

namespace SmtpFixture;

/// <summary>
/// The ordered record of what a server captured and refused, and the waiters for it. Waiters are woken by the
/// session that stores a message (no polling); their continuations run on the thread pool, never on the session.
/// </summary>
internal sealed class MessageStore
{
    private readonly object _gate = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<SmtpAttempt> _attempts = [];
    private readonly List<Waiter> _waiters = [];
    private readonly List<Exception> _unreportedErrors = [];
    private readonly List<SmtpViolation> _violations = [];
    private readonly int _maxMessages;
    private long _receivedSinceReset;

    public MessageStore(int maxMessages) => _maxMessages = maxMessages;

    public long EvictedCount { get; private set; }

    /// <summary>Called, outside the lock, for each message added; set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<ReceivedMessage>? MessageAdded { get; set; }

    /// <summary>Called for each command answered with a 4xx or 5xx reply; set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<SmtpSessionInfo, SmtpExchange>? CommandRefused { get; set; }

    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToArray();
            }
        }
    }

    public IReadOnlyList<SmtpAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return _attempts.ToArray();
            }
        }
    }

    /// <summary>Called for each violation as it is recorded (message-layer ones are checked later, on demand); set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<SmtpViolation>? ViolationRecorded { get; set; }

    /// <summary>Every violation: those recorded as sessions ran, then the message-layer ones of each stored message.</summary>
    public IReadOnlyList<SmtpViolation> Violations
    {
        get
        {
            SmtpViolation[] recorded;
            lock (_gate)
            {
                recorded = _violations.ToArray();
            }

            return [.. recorded, .. Messages.SelectMany(m => m.MessageViolations)];
        }
    }

    public void AddViolation(SmtpViolation violation)
    {
        lock (_gate)
        {
            _violations.Add(violation);
            if (_maxMessages > 0 && _violations.Count > _maxMessages * 4)
            {
                _violations.RemoveRange(0, _violations.Count - _maxMessages * 4);
            }
        }

        ViolationRecorded?.Invoke(violation);
    }

    public void AddAttempt(SmtpAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
            if (_maxMessages > 0 && _attempts.Count > _maxMessages * 4)
            {
                _attempts.RemoveRange(0, _attempts.Count - _maxMessages * 4);
            }
        }
    }

    public void Add(ReceivedMessage message)
    {
        List<(Waiter Waiter, Exception? Error)>? woken = null;
        lock (_gate)
        {
            _messages.Add(message);
            _receivedSinceReset++;
            if (_maxMessages > 0 && _messages.Count > _maxMessages)
            {
                _messages.RemoveAt(0);
                EvictedCount++;
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                Exception? error = null;
                bool satisfied;
                try
                {
                    satisfied = waiter.IsSatisfiedBy(message, _receivedSinceReset);
                }
                catch (Exception ex)
                {
                    satisfied = true;
                    error = ex;
                }

                if (satisfied)
                {
                    _waiters.RemoveAt(i);
                    (woken ??= []).Add((waiter, error));
                }
            }
        }

        MessageAdded?.Invoke(message);
        if (woken is null)
        {
            return;
        }

        foreach (var (waiter, error) in woken)
        {
            if (error is null)
            {
                waiter.Complete(message, Messages);
            }
            else
            {
                waiter.Fail(error);
            }
        }
    }

    public void ReportError(Exception error)
    {
        List<Waiter> failed;
        lock (_gate)
        {
            _unreportedErrors.Add(error);
            failed = [.. _waiters];
            _waiters.Clear();
        }

        if (failed.Count == 0)
        {
            // Nobody is waiting: keep the error for the next WaitFor… call or DisposeAsync to report.
            return;
        }

        var exception = TakeErrors();
        if (exception is not null)
        {
            foreach (var waiter in failed)
            {
                waiter.Fail(exception);
            }
        }
    }

    /// <summary>Returns (and forgets) errors no test has seen yet, as one exception.</summary>
    public SmtpPolicyException? TakeErrors()
    {
        lock (_gate)
        {
            if (_unreportedErrors.Count == 0)
            {
                return null;
            }

            var errors = _unreportedErrors.ToArray();
            _unreportedErrors.Clear();
            return new SmtpPolicyException(errors);
        }
    }

    public async Task<ReceivedMessage> WaitForMessageAsync(Func<ReceivedMessage, bool>? predicate, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(predicate, 0);
        lock (_gate)
        {
            ThrowIfErrors();
            foreach (var message in _messages)
            {
                if (predicate is null || predicate(message))
                {
                    return message;
                }
            }

            _waiters.Add(waiter);
        }

        await WaitAsync(waiter, timeout, describePending, predicate is null ? "a message" : "a message matching the predicate", cancellationToken).ConfigureAwait(false);
        return waiter.Message!;
    }

    public async Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(null, count);
        lock (_gate)
        {
            ThrowIfErrors();
            if (_receivedSinceReset >= count)
            {
                return _messages.ToArray();
            }

            _waiters.Add(waiter);
        }

        await WaitAsync(waiter, timeout, describePending, count == 1 ? "1 message" : $"{count} messages", cancellationToken).ConfigureAwait(false);
        return waiter.Snapshot!;
    }

    public void Reset()
    {
        lock (_gate)
        {
            _messages.Clear();
            _attempts.Clear();
            _violations.Clear();
            _unreportedErrors.Clear();
            _receivedSinceReset = 0;
            EvictedCount = 0;
        }
    }

    /// <summary>What arrived and what was refused, for the message of a failed wait or assertion.</summary>
    public string Describe()
    {
        var messages = Messages;
        var attempts = Attempts;
        var refused = attempts.Where(a => a.Outcome is SmtpAttemptOutcome.Refused or SmtpAttemptOutcome.Aborted && a.Exchanges.Count > 0).ToArray();

        // A transaction still under way is neither refused nor aborted yet: calling it so would mislead the reader.
        var inProgress = attempts.Where(a => a.Outcome == SmtpAttemptOutcome.InProgress && a.Exchanges.Count > 0).ToArray();
        var text = new StringBuilder();
        text.Append(messages.Count switch { 0 => "No messages were received.", 1 => "1 message was received:", _ => $"{messages.Count} messages were received:" });
        foreach (var message in messages)
        {
            text.AppendLine().Append("  - ").Append(message);
        }

        if (refused.Length > 0)
        {
            text.AppendLine().Append(refused.Length == 1 ? "1 attempt was refused or aborted:" : $"{refused.Length} attempts were refused or aborted:");
            foreach (var attempt in refused)
            {
                text.AppendLine().Append("  - ").Append(attempt);
            }
        }
        else
        {
            text.AppendLine().Append("No attempts were refused.");
        }

        if (inProgress.Length > 0)
        {
            text.AppendLine().Append(inProgress.Length == 1 ? "1 attempt is in progress:" : $"{inProgress.Length} attempts are in progress:");
            foreach (var attempt in inProgress)
            {
                text.AppendLine().Append("  - ").Append(attempt);
            }
        }

        // Only when there are some, so that a clean run reads as before.
        var violations = Violations;
        if (violations.Count > 0)
        {
            text.AppendLine().Append(ViolationReport.Format(violations));
        }

        return text.ToString();
    }

    private void ThrowIfErrors()
    {
        if (_unreportedErrors.Count > 0)
        {
            var errors = _unreportedErrors.ToArray();
            _unreportedErrors.Clear();
            throw new SmtpPolicyException(errors);
        }
    }

    private async Task WaitAsync(Waiter waiter, TimeSpan timeout, Func<string> describePending, string what, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            var pending = describePending();
            throw new SmtpWaitTimeoutException(
                $"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}. {Describe()}{(pending.Length > 0 ? Environment.NewLine + pending : string.Empty)}");
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw;
        }
    }

    private sealed class Waiter(Func<ReceivedMessage, bool>? predicate, int count)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public ReceivedMessage? Message { get; private set; }

        public IReadOnlyList<ReceivedMessage>? Snapshot { get; private set; }

        public bool IsSatisfiedBy(ReceivedMessage message, long received) =>
            count > 0 ? received >= count : predicate is null || predicate(message);

        public void Complete(ReceivedMessage message, IReadOnlyList<ReceivedMessage> all)
        {
            Message = message;
            Snapshot = all;
            _done.TrySetResult();
        }

        public void Fail(Exception error) => _done.TrySetException(error);
    }
}
