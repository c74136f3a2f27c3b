namespace SmtpFixture.Policies;

/// <summary>
/// Refuses each RCPT TO beyond a number of accepted recipients with <c>452 4.5.3</c> (RFC 5321 §4.5.3.1.10).
/// <see cref="SmtpTestServerOptions.MaxRecipients"/> is this policy too, run before the script.
/// </summary>
internal sealed class MaxRecipientsPolicy : SmtpPolicy
{
    private readonly int _max;

    public MaxRecipientsPolicy(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        _max = max;
    }

    public override string Name => "MaxRecipients";

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(context.Recipients.Count >= _max ? SmtpVerdict.Reply(SmtpReplies.TooManyRecipients) : SmtpVerdict.Continue);
}
