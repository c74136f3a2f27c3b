namespace SmtpFixture.Policies;

/// <summary>
/// What a policy decides at a stage: go on (<see cref="Continue"/>), answer (<see cref="Reply"/>), wait
/// (<see cref="Delay"/>) or close the connection without a reply (<see cref="Drop"/>); the same words as the script
/// builder (<see cref="SmtpScriptStepBuilder"/>) and as <see cref="SmtpVerdictKind"/>.
/// </summary>
public sealed class SmtpVerdict
{
    private SmtpVerdict(SmtpVerdictKind kind, SmtpReply? reply, bool closeAfterReply, TimeSpan delay, string? answeredBy = null)
    {
        Kind = kind;
        ReplyToSend = reply;
        CloseAfterReply = closeAfterReply;
        DelayDuration = delay;
        AnsweredBy = answeredBy;
    }

    /// <summary>No decision: the next policy, or the server's default reply, decides.</summary>
    public static SmtpVerdict Continue { get; } = new(SmtpVerdictKind.Continue, null, false, TimeSpan.Zero);

    /// <summary>Close the connection at once, without a reply (a crashed or unreachable server).</summary>
    public static SmtpVerdict Drop { get; } = new(SmtpVerdictKind.Drop, null, false, TimeSpan.Zero);

    /// <summary>Answer with <paramref name="reply"/> instead of the default reply.</summary>
    /// <param name="reply">The reply to send.</param>
    /// <param name="closeAfterReply">Whether to close the connection after sending it (as servers do after a 421).</param>
    public static SmtpVerdict Reply(SmtpReply reply, bool closeAfterReply = false)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new(SmtpVerdictKind.Reply, reply, closeAfterReply, TimeSpan.Zero);
    }

    /// <summary>Wait for <paramref name="delay"/> (on the server's <see cref="TimeProvider"/>), then let the next policy decide.</summary>
    /// <param name="delay">How long to wait; not negative.</param>
    public static SmtpVerdict Delay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(SmtpVerdictKind.Delay, null, false, delay);
    }

    /// <summary>What kind of verdict this is.</summary>
    public SmtpVerdictKind Kind { get; }

    /// <summary>The reply to send, for <see cref="SmtpVerdictKind.Reply"/>; otherwise <see langword="null"/>.</summary>
    public SmtpReply? ReplyToSend { get; }

    /// <summary>Whether the connection is closed after the reply.</summary>
    public bool CloseAfterReply { get; }

    /// <summary>How long to wait, for <see cref="SmtpVerdictKind.Delay"/>; otherwise <see cref="TimeSpan.Zero"/>.</summary>
    public TimeSpan DelayDuration { get; }

    /// <summary>
    /// What is recorded in <see cref="SmtpExchange.AnsweredBy"/> instead of the policy's name, so that a script can
    /// name the step that answered; <see langword="null"/> for the policy's name.
    /// </summary>
    internal string? AnsweredBy { get; }

    /// <summary>The same verdict, recorded as answered by <paramref name="answeredBy"/>.</summary>
    internal SmtpVerdict WithAnsweredBy(string answeredBy) => new(Kind, ReplyToSend, CloseAfterReply, DelayDuration, answeredBy);

    /// <summary>A short description, for logs and failure messages.</summary>
    public override string ToString() => Kind switch
    {
        SmtpVerdictKind.Reply => CloseAfterReply ? $"reply {ReplyToSend} and close" : $"reply {ReplyToSend}",
        SmtpVerdictKind.Delay => $"delay {DelayDuration}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
