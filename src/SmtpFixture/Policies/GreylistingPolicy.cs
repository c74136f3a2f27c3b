namespace SmtpFixture.Policies;

/// <summary>
/// Greylisting (RFC 6647): the first RCPT TO of a triplet is refused with <c>450 4.7.1</c>; a retry once
/// <c>minimumDelay</c> has passed is accepted, and so is every later one until the triplet is forgotten.
/// </summary>
internal sealed class GreylistingPolicy : SmtpPolicy
{
    private readonly TimeSpan _minimumDelay;
    private readonly TimeSpan? _expiry;
    private readonly Func<SmtpPolicyContext, string> _key;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    public GreylistingPolicy(TimeSpan minimumDelay, TimeSpan? expiry, Func<SmtpPolicyContext, string>? key)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumDelay, TimeSpan.Zero);
        if (expiry is { } e)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(e, TimeSpan.Zero, nameof(expiry));
        }

        _minimumDelay = minimumDelay;
        _expiry = expiry;
        _key = key ?? DefaultKey;
    }

    public override string Name => "Greylisting";

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        var key = _key(context);
        var now = context.TimeProvider.GetUtcNow();
        bool accept;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && _expiry is { } expiry && now - entry.LastSeen > expiry)
            {
                _entries.Remove(key);
                entry = null;
            }

            if (entry is null)
            {
                // A new triplet is always refused once, even with no minimum delay: that is the point of greylisting.
                _entries[key] = new Entry(now) { LastSeen = now };
                accept = false;
            }
            else
            {
                entry.LastSeen = now;
                accept = now - entry.FirstSeen >= _minimumDelay;
            }
        }

        return new(accept ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.Greylisted));
    }

    public override void Reset()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    // The classic triplet: client IP, reverse-path, forward-path (RFC 6647 §4.3).
    private static string DefaultKey(SmtpPolicyContext context) =>
        $"{context.Session.RemoteAddress?.ToString() ?? context.Session.RemoteEndPoint.ToString()}\n{context.MailFrom}\n{context.Address}";

    private sealed class Entry(DateTimeOffset firstSeen)
    {
        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public DateTimeOffset LastSeen { get; set; }
    }
}
