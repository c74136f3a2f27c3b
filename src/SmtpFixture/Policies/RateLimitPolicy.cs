namespace SmtpFixture.Policies;

/// <summary>
/// At most <c>limit</c> messages, recipients or connections per sliding <c>window</c> and per scope key. Over the
/// limit: <c>421 4.7.0</c> and close, or (not closing) <c>450 4.7.0</c> for messages and connections and
/// <c>452 4.5.3</c> for recipients. Refused events are not counted, so a client that waits out the window gets in again.
/// </summary>
internal sealed class RateLimitPolicy : SmtpPolicy
{
    // Sessions remembered for the connection limit; pruned beyond this many, oldest first, so memory stays bounded.
    private const int MaxRememberedSessions = 4096;

    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly RateLimitUnit _unit;
    private readonly RateLimitScope _scope;
    private readonly bool _close;
    private readonly object _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _events = new(StringComparer.OrdinalIgnoreCase);

    // For the connection limit: sessions already counted (per key), and sessions refused without closing.
    private readonly Dictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    public RateLimitPolicy(int limit, TimeSpan window, RateLimitUnit unit, RateLimitScope scope, bool closeConnection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        if (!Enum.IsDefined(unit))
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown rate limit unit.");
        }

        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown rate limit scope.");
        }

        _limit = limit;
        _window = window;
        _unit = unit;
        _scope = scope;
        _close = closeConnection;
    }

    public override string Name => "RateLimit";

    public override ValueTask<SmtpVerdict> OnConnectAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        if (_unit != RateLimitUnit.Connections || _scope != RateLimitScope.ClientAddress)
        {
            return new(SmtpVerdict.Continue);
        }

        var now = context.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (TryCount(ClientKey(context), now))
            {
                return new(SmtpVerdict.Continue);
            }

            if (_close)
            {
                return new(Refuse());
            }

            // A greeting must be 220 or 554 (RFC 5321 §4.3.1), so a server that keeps the client refuses its mail instead.
            Remember("refused\n" + context.Session.SessionId, now);
            return new(SmtpVerdict.Continue);
        }
    }

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        if (_unit == RateLimitUnit.Recipients)
        {
            return new(SmtpVerdict.Continue);
        }

        var now = context.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_unit == RateLimitUnit.Messages)
            {
                var key = Key(context);
                return new(key is null || TryCount(key, now) ? SmtpVerdict.Continue : Refuse());
            }

            var session = context.Session.SessionId;
            if (_sessions.ContainsKey("refused\n" + session))
            {
                return new(Refuse());
            }

            if (_scope == RateLimitScope.ClientAddress || Key(context) is not { } sessionKey)
            {
                return new(SmtpVerdict.Continue);
            }

            // A connection counts once per sender or identity, when the session first names it.
            var counted = "counted\n" + session + "\n" + sessionKey;
            if (_sessions.ContainsKey(counted))
            {
                return new(SmtpVerdict.Continue);
            }

            if (!TryCount(sessionKey, now))
            {
                if (!_close)
                {
                    Remember("refused\n" + session, now);
                }

                return new(Refuse());
            }

            Remember(counted, now);
            return new(SmtpVerdict.Continue);
        }
    }

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        if (_unit != RateLimitUnit.Recipients || Key(context) is not { } key)
        {
            return new(SmtpVerdict.Continue);
        }

        var now = context.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            return new(TryCount(key, now) ? SmtpVerdict.Continue : Refuse());
        }
    }

    public override void Reset()
    {
        lock (_gate)
        {
            _events.Clear();
            _sessions.Clear();
        }
    }

    private SmtpVerdict Refuse() =>
        _close ? SmtpVerdict.Reply(SmtpReplies.RateLimitExceeded, closeAfterReply: true)
        : _unit == RateLimitUnit.Recipients ? SmtpVerdict.Reply(SmtpReplies.TooManyRecipients)
        : SmtpVerdict.Reply(SmtpReplies.RateLimitExceededTryLater);

    /// <summary>Counts one event for <paramref name="key"/> unless the window is full; returns whether it was counted.</summary>
    private bool TryCount(string key, DateTimeOffset now)
    {
        if (!_events.TryGetValue(key, out var times))
        {
            times = new Queue<DateTimeOffset>();
            _events[key] = times;
        }

        // A sliding window: events at least one window old no longer count.
        while (times.Count > 0 && now - times.Peek() >= _window)
        {
            times.Dequeue();
        }

        if (times.Count >= _limit)
        {
            return false;
        }

        times.Enqueue(now);
        return true;
    }

    private void Remember(string sessionKey, DateTimeOffset now)
    {
        if (_sessions.Count >= MaxRememberedSessions)
        {
            foreach (var old in _sessions.OrderBy(p => p.Value).Take(MaxRememberedSessions / 2).Select(p => p.Key).ToArray())
            {
                _sessions.Remove(old);
            }
        }

        _sessions[sessionKey] = now;
    }

    private string? Key(SmtpPolicyContext context) => _scope switch
    {
        RateLimitScope.ClientAddress => ClientKey(context),

        // At MAIL FROM the reverse-path is the command's address; later it is the transaction's.
        RateLimitScope.Sender => context.Stage == SmtpStage.MailFrom ? context.Address : context.MailFrom,
        _ => context.Session.AuthenticatedUser,
    };

    private static string ClientKey(SmtpPolicyContext context) =>
        context.Session.RemoteAddress?.ToString() ?? context.Session.RemoteEndPoint.ToString() ?? string.Empty;
}
