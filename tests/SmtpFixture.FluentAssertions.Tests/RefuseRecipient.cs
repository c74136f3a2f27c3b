using SmtpFixture.Policies;

namespace SmtpFixture.FluentAssertions.Tests;

/// <summary>Answers RCPT TO for one address with 550 5.1.1, as a server without that mailbox would.</summary>
internal sealed class RefuseRecipient(string address) : SmtpPolicy
{
    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(string.Equals(context.Address, address, StringComparison.OrdinalIgnoreCase)
            ? SmtpVerdict.Reply(new SmtpReply(550, "5.1.1", "No such user"))
            : SmtpVerdict.Continue);
}
