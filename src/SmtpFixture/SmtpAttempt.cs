using SmtpFixture.Capture;
using SmtpFixture.Checks;

namespace SmtpFixture;

/// <summary>
/// One try at delivering mail: a transaction from MAIL FROM to its end, or a command refused outside a
/// transaction (at connect, EHLO, AUTH, …). Each command is recorded with the reply it got.
/// </summary>
public sealed class SmtpAttempt
{
    // Also the lock of everything here (never handed out): an attempt is kept with every message, so no lock object.
    private readonly List<SmtpExchange> _exchanges = [];
    private IAttemptObserver? _observer;
    private List<SmtpViolation>? _violations;

    internal SmtpAttempt(SmtpSessionInfo session, DateTimeOffset startedAt)
    {
        Session = session;
        StartedAt = startedAt;
    }

    /// <summary>The session the attempt was made in (as it was when the attempt started).</summary>
    public SmtpSessionInfo Session { get; }

    /// <summary>When the attempt started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>How the attempt ended.</summary>
    public SmtpAttemptOutcome Outcome { get; private set; }

    /// <summary>The reverse-path given with MAIL FROM, or <see langword="null"/> when none was accepted.</summary>
    public string? MailFrom { get; internal set; }

    /// <summary>The message captured from it when <see cref="Outcome"/> is <see cref="SmtpAttemptOutcome.Accepted"/>.</summary>
    public ReceivedMessage? Message { get; private set; }

    /// <summary>
    /// The rules the client broke in this attempt (and, for the first attempt of a session, before it), in the order
    /// found; empty when none. Message-layer rules are on <see cref="ReceivedMessage.Violations"/>.
    /// </summary>
    public IReadOnlyList<SmtpViolation> Violations
    {
        get
        {
            lock (_exchanges)
            {
                return _violations?.ToArray() ?? [];
            }
        }
    }

    /// <summary>Each command with its reply, in order.</summary>
    public IReadOnlyList<SmtpExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.ToArray();
            }
        }
    }

    /// <summary>The exchanges whose reply was a 4xx or 5xx.</summary>
    public IEnumerable<SmtpExchange> Refusals => Exchanges.Where(e => !e.Reply.IsPositive);

    /// <summary>One line per exchange, for failure messages.</summary>
    public override string ToString() =>
        $"{Outcome} attempt from {Session.RemoteEndPoint} ({Session.SessionId}): " + string.Join("; ", Exchanges.Select(e => e.ToString()));

    internal void Add(SmtpExchange exchange)
    {
        lock (_exchanges)
        {
            _exchanges.Add(exchange);
        }

        _observer?.ExchangeRecorded(this, exchange);
    }

    /// <summary>
    /// Reports what happened to the attempt so far, then each later exchange and its end, to <paramref name="observer"/>
    /// (the capture log that stored it, for the waiters). Called on the session's thread, like every change.
    /// </summary>
    internal void Observe(IAttemptObserver observer)
    {
        _observer = observer;
        foreach (var exchange in Exchanges)
        {
            observer.ExchangeRecorded(this, exchange);
        }

        if (Outcome != SmtpAttemptOutcome.InProgress)
        {
            observer.AttemptEnded(this);
        }
    }

    internal bool HasRefusal
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.Exists(e => !e.Reply.IsPositive);
            }
        }
    }

    internal void AddViolation(SmtpViolation violation)
    {
        lock (_exchanges)
        {
            (_violations ??= []).Add(violation);
        }
    }

    internal void Complete(SmtpAttemptOutcome outcome, ReceivedMessage? message = null)
    {
        var ended = Outcome == SmtpAttemptOutcome.InProgress && outcome != SmtpAttemptOutcome.InProgress;
        Message = message;
        Outcome = outcome;
        if (ended)
        {
            _observer?.AttemptEnded(this);
        }
    }
}
