namespace SmtpFixture.Policies;

/// <summary>
/// Refuses MAIL FROM outside TLS with <c>530 5.7.0</c> (RFC 3207 §4). <see cref="SmtpTestServerOptions.RequireTls"/> is
/// this policy too, run before MAIL FROM is parsed, so a refusal names it in <see cref="SmtpExchange.AnsweredBy"/>.
/// </summary>
internal sealed class RequireTlsPolicy : SmtpPolicy
{
    public const string PolicyName = "RequireTls";

    public override string Name => PolicyName;

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(context.Session.IsSecure ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.TlsRequired));
}
