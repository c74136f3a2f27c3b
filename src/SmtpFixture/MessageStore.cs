using System.Globalization;
using SmtpFixture.Capture;
using SmtpFixture.Checks;

namespace SmtpFixture;

/// <summary>
/// What one server captured, and the ways to wait for it: it wires the parts together, each with one job — the
/// <see cref="CaptureLog"/> records, the <see cref="CaptureWaiters"/> wait, the <see cref="FaultSink"/> keeps policy
/// errors until a test sees them, the <see cref="CaptureReport"/> writes the failure text.
/// </summary>
internal sealed class MessageStore
{
    private readonly CaptureLog _log;
    private readonly FaultSink _faults = new();
    private readonly CaptureWaiters _waiters;
    private readonly ViolationLog _violations;

    public MessageStore(int maxMessages)
    {
        _log = new CaptureLog(maxMessages);
        _violations = new ViolationLog(maxMessages);
        _waiters = new CaptureWaiters(_faults, Describe);

        // The server's event first, then the waiters, whose continuations run on the thread pool.
        _log.MessageAdded += message =>
        {
            MessageAdded?.Invoke(message);
            _waiters.Offer(message);
        };
        _log.AttemptEnded += _waiters.Offer;
        _log.RefusalRecorded += _waiters.Offer;
    }

    /// <summary>Called for each message added; set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<ReceivedMessage>? MessageAdded { get; set; }

    /// <summary>Called for each command answered with a 4xx or 5xx reply; set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<SmtpSessionInfo, SmtpExchange>? CommandRefused { get; set; }

    /// <summary>Called for each violation as it is recorded (message-layer ones are checked later, on demand); set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<SmtpViolation>? ViolationRecorded
    {
        get => _violations.Recorded;
        set => _violations.Recorded = value;
    }

    /// <summary>Every violation: those recorded as sessions ran, then the message-layer ones of each stored message.</summary>
    public IReadOnlyList<SmtpViolation> Violations => [.. _violations.Snapshot(), .. _log.Messages.SelectMany(m => m.MessageViolations)];

    public void AddViolation(SmtpViolation violation) => _violations.Add(violation);

    public IReadOnlyList<ReceivedMessage> Messages => _log.Messages;

    public IReadOnlyList<SmtpAttempt> Attempts => _log.Attempts;

    public long EvictedCount => _log.EvictedCount;

    public bool IsFaulted => _faults.HasErrors;

    public void Add(ReceivedMessage message) => _log.Add(message);

    public void AddAttempt(SmtpAttempt attempt) => _log.AddAttempt(attempt);

    /// <summary>Keeps a policy's or callback's error for the test: a pending wait fails with it now, otherwise the next wait, assertion or check.</summary>
    public void ReportError(Exception error)
    {
        _faults.Add(error);
        _waiters.FailWithUnreportedErrors();
    }

    /// <summary>Returns (and forgets) errors no test has seen yet, as one exception.</summary>
    public SmtpPolicyException? TakeErrors() => _faults.Take();

    public void ThrowIfFaulted() => _faults.ThrowIfAny();

    /// <summary>Ends every pending wait, and every later one that finds nothing captured, with "the server was stopped".</summary>
    public void Stop() => _waiters.Stop();

    /// <summary>Forgets what was captured; errors not yet reported stay, so that a reset cannot hide a broken policy.</summary>
    public void Reset()
    {
        _log.Reset();
        _violations.Clear();
    }

    public string Describe()
    {
        // The violations only when there are some, so that a clean run reads as before.
        var violations = Violations;
        var text = CaptureReport.Describe(_log.Messages, _log.Attempts);
        return violations.Count == 0 ? text : text + Environment.NewLine + ViolationReport.Format(violations);
    }

    public Task<ReceivedMessage> WaitForMessageAsync(
        Func<ReceivedMessage, bool>? predicate, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken, string? predicateText = null)
    {
        var match = predicate ?? (_ => true);
        var waiter = new Waiter<ReceivedMessage>(match, Describe("a message", predicate, predicateText));
        return _waiters.WaitAsync(waiter, () => _log.Messages.FirstOrDefault(match), timeout, describePending, cancellationToken);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken)
    {
        // Counts arrivals since the reset, so that messages evicted by MaxStoredMessages still count.
        var waiter = new Waiter<ReceivedMessage>(_ => _log.ReceivedSinceReset >= count, count == 1 ? "1 message" : string.Create(CultureInfo.InvariantCulture, $"{count} messages"));
        await _waiters.WaitAsync(waiter, () => _log.ReceivedSinceReset >= count ? _log.Messages.LastOrDefault() : null, timeout, describePending, cancellationToken).ConfigureAwait(false);
        return _log.Messages;
    }

    public Task<SmtpAttempt> WaitForAttemptAsync(
        Func<SmtpAttempt, bool>? predicate, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken, string? predicateText = null)
    {
        Func<SmtpAttempt, bool> match = predicate is null ? static a => a.Outcome != SmtpAttemptOutcome.InProgress : a => a.Outcome != SmtpAttemptOutcome.InProgress && predicate(a);
        var waiter = new Waiter<SmtpAttempt>(match, Describe("an ended attempt", predicate, predicateText));
        return _waiters.WaitAsync(waiter, () => _log.Attempts.FirstOrDefault(match), timeout, describePending, cancellationToken);
    }

    public Task<SmtpExchange> WaitForRefusalAsync(
        Func<SmtpExchange, bool>? predicate, TimeSpan timeout, Func<string> describePending, CancellationToken cancellationToken, string? predicateText = null)
    {
        var match = predicate ?? (_ => true);
        var waiter = new Waiter<SmtpExchange>(match, Describe("a refusal", predicate, predicateText));
        return _waiters.WaitAsync(waiter, () => _log.Attempts.SelectMany(a => a.Refusals).FirstOrDefault(match), timeout, describePending, cancellationToken);
    }

    private static string Describe(string what, Delegate? predicate, string? predicateText) =>
        predicate is null ? what : what + " matching " + (string.IsNullOrWhiteSpace(predicateText) ? "the predicate" : predicateText);
}
