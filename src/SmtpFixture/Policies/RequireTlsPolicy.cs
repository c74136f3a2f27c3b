namespace SmtpFixture.Policies;

/// <summary>Refuses MAIL FROM outside TLS with <c>530 5.7.0</c> (RFC 3207 §4).</summary>
internal sealed class RequireTlsPolicy : SmtpPolicy
{
    public override string Name => "RequireTls";

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(context.Session.IsSecure ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.TlsRequired));
}
