namespace SmtpFixture.Policies;

/// <summary>
/// Refuses MAIL FROM from a client that has not authenticated with <c>530 5.7.0</c> (RFC 4954 §6).
/// <see cref="SmtpTestServerOptions.RequireAuthentication"/> is this policy too, run before MAIL FROM is parsed.
/// </summary>
internal sealed class RequireAuthenticationPolicy : SmtpPolicy
{
    public override string Name => "RequireAuthentication";

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(context.Session.AuthenticatedUser is null ? SmtpVerdict.Reply(SmtpReplies.AuthenticationRequired) : SmtpVerdict.Continue);
}
