namespace SmtpFixture.Policies;

/// <summary>
/// Refuses addresses outside the strict RFC 5321 §4.1.2 mailbox grammar: <c>553 5.1.7</c> at MAIL FROM,
/// <c>553 5.1.3</c> at RCPT TO. The null reverse-path <c>&lt;&gt;</c> and <c>RCPT TO:&lt;Postmaster&gt;</c>
/// (RFC 5321 §4.1.1.3) are valid.
/// </summary>
internal sealed class AddressSyntaxPolicy : SmtpPolicy
{
    public override string Name => "AddressSyntax";

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        var address = context.Address ?? string.Empty;
        var valid = address.Length == 0 || MailboxSyntax.IsValid(address, context.Parameters.ContainsKey("SMTPUTF8"));
        return new(valid ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.BadSenderAddressSyntax));
    }

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        var address = context.Address ?? string.Empty;
        var valid = address.Equals("postmaster", StringComparison.OrdinalIgnoreCase)
            || MailboxSyntax.IsValid(address, context.MailParameters.ContainsKey("SMTPUTF8"));
        return new(valid ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.BadRecipientAddressSyntax));
    }
}
