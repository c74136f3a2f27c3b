namespace SmtpFixture.Policies;

/// <summary>What a policy decides at a stage: go on, answer, wait, or drop the connection.</summary>
public sealed class SmtpVerdict
{
    private SmtpVerdict(SmtpVerdictKind kind, SmtpReply? reply, bool closeAfterReply, TimeSpan delay, string? answeredBy = null)
    {
        Kind = kind;
        Reply = reply;
        CloseAfterReply = closeAfterReply;
        Delay = delay;
        AnsweredBy = answeredBy;
    }

    /// <summary>No decision: the next policy, or the server's default reply, decides.</summary>
    public static SmtpVerdict Continue { get; } = new(SmtpVerdictKind.Continue, null, false, TimeSpan.Zero);

    /// <summary>Close the connection at once, without a reply (a crashed or unreachable server).</summary>
    public static SmtpVerdict Drop { get; } = new(SmtpVerdictKind.Drop, null, false, TimeSpan.Zero);

    /// <summary>Answer with <paramref name="reply"/> instead of the default reply.</summary>
    /// <param name="reply">The reply to send.</param>
    /// <param name="closeAfterReply">Whether to close the connection after sending it (as servers do after a 421).</param>
    public static SmtpVerdict Respond(SmtpReply reply, bool closeAfterReply = false)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new(SmtpVerdictKind.Reply, reply, closeAfterReply, TimeSpan.Zero);
    }

    /// <summary>Wait for <paramref name="delay"/> (on the server's <see cref="TimeProvider"/>), then let the next policy decide.</summary>
    /// <param name="delay">How long to wait; not negative.</param>
    public static SmtpVerdict Wait(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(SmtpVerdictKind.Delay, null, false, delay);
    }

    /// <summary>What kind of verdict this is.</summary>
    public SmtpVerdictKind Kind { get; }

    /// <summary>The reply, for <see cref="SmtpVerdictKind.Reply"/>.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>Whether the connection is closed after the reply.</summary>
    public bool CloseAfterReply { get; }

    /// <summary>The delay, for <see cref="SmtpVerdictKind.Delay"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>
    /// What is recorded in <see cref="SmtpExchange.AnsweredBy"/> instead of the policy's name, so that a script can
    /// name the step that answered; <see langword="null"/> for the policy's name.
    /// </summary>
    internal string? AnsweredBy { get; }

    /// <summary>The same verdict, recorded as answered by <paramref name="answeredBy"/>.</summary>
    internal SmtpVerdict WithAnsweredBy(string answeredBy) => new(Kind, Reply, CloseAfterReply, Delay, answeredBy);

    /// <summary>A short description, for logs and failure messages.</summary>
    public override string ToString() => Kind switch
    {
        SmtpVerdictKind.Reply => CloseAfterReply ? $"reply {Reply} and close" : $"reply {Reply}",
        SmtpVerdictKind.Delay => $"delay {Delay}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
