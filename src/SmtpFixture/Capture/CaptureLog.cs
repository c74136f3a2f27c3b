namespace SmtpFixture.Capture;

/// <summary>
/// The ordered record of what a server captured: accepted messages and every attempt, bounded by
/// <see cref="SmtpTestServerOptions.MaxStoredMessages"/>. It only records and tells its listeners; who waits, and
/// how it reads in a failure message, live elsewhere (<see cref="CaptureWaiters"/>, <see cref="CaptureReport"/>).
/// </summary>
internal sealed class CaptureLog : IAttemptObserver
{
    private readonly object _gate = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<SmtpAttempt> _attempts = [];
    private readonly int _maxMessages;
    private long _receivedSinceReset;
    private long _evicted;

    public CaptureLog(int maxMessages) => _maxMessages = maxMessages;

    /// <summary>Called, outside the lock, after a message is stored.</summary>
    public event Action<ReceivedMessage>? MessageAdded;

    /// <summary>Called for each exchange with a 4xx or 5xx reply recorded in a stored attempt.</summary>
    public event Action<SmtpExchange>? RefusalRecorded;

    /// <summary>Called when a stored attempt ends (its outcome is no longer in progress).</summary>
    public event Action<SmtpAttempt>? AttemptEnded;

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

    /// <summary>How many messages were dropped from the front to respect the bound.</summary>
    public long EvictedCount => Interlocked.Read(ref _evicted);

    /// <summary>How many messages arrived since the start or the last reset, evicted ones included.</summary>
    public long ReceivedSinceReset => Interlocked.Read(ref _receivedSinceReset);

    public void Add(ReceivedMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
            Interlocked.Increment(ref _receivedSinceReset);
            if (_maxMessages > 0 && _messages.Count > _maxMessages)
            {
                _messages.RemoveAt(0);
                Interlocked.Increment(ref _evicted);
            }
        }

        MessageAdded?.Invoke(message);
    }

    public void AddAttempt(SmtpAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);

            // Attempts are kept four times as long as messages: refusals explain the messages that are missing.
            if (_maxMessages > 0 && _attempts.Count > _maxMessages * 4)
            {
                _attempts.RemoveRange(0, _attempts.Count - _maxMessages * 4);
            }
        }

        attempt.Observe(this);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _messages.Clear();
            _attempts.Clear();
            Interlocked.Exchange(ref _receivedSinceReset, 0);
            Interlocked.Exchange(ref _evicted, 0);
        }
    }

    void IAttemptObserver.ExchangeRecorded(SmtpAttempt attempt, SmtpExchange exchange)
    {
        if (!exchange.Reply.IsPositive)
        {
            RefusalRecorded?.Invoke(exchange);
        }
    }

    void IAttemptObserver.AttemptEnded(SmtpAttempt attempt) => AttemptEnded?.Invoke(attempt);
}
