namespace SmtpFixture.Checks;

/// <summary>
/// Every violation the sessions of one server recorded, in order, for <see cref="SmtpTestServer.Violations"/>; the
/// message-layer ones are not here (each message checks itself on demand). Bounded like the attempts when
/// <see cref="SmtpTestServerOptions.MaxStoredMessages"/> is set.
/// </summary>
internal sealed class ViolationLog(int maxMessages)
{
    private readonly object _gate = new();
    private readonly List<SmtpViolation> _violations = [];

    /// <summary>Called for each violation added, outside the lock; set by <see cref="SmtpTestServer"/> to raise its event.</summary>
    public Action<SmtpViolation>? Recorded { get; set; }

    public IReadOnlyList<SmtpViolation> Snapshot()
    {
        lock (_gate)
        {
            return _violations.ToArray();
        }
    }

    public void Add(SmtpViolation violation)
    {
        lock (_gate)
        {
            _violations.Add(violation);
            if (maxMessages > 0 && _violations.Count > maxMessages * 4)
            {
                _violations.RemoveRange(0, _violations.Count - maxMessages * 4);
            }
        }

        Recorded?.Invoke(violation);
    }

    public void Clear()
    {
        lock (_gate)
        {
            _violations.Clear();
        }
    }
}
