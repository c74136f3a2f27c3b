using SmtpFixture.Interop.Tests.Support;
using SmtpFixture.Policies;

namespace SmtpFixture.Interop.Tests;

/// <summary>A real MTA relaying through the fixture: Postfix with a throw-away configuration, fed by sendmail.</summary>
public sealed class PostfixRelayTests(ITestOutputHelper output)
{
    // Postfix delivers within a second or two; the generous bound only matters on an overloaded machine.
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(45);

    private const string Message =
        "From: Sender <sender@example.com>\n" +
        "To: Alice <alice@example.com>\n" +
        "Subject: relayed by Postfix\n" +
        "\n" +
        "Hello through a real MTA.\n" +
        ".leading dot\n";

    [SkippableFact]
    public async Task SendmailMessageIsRelayedByPostfixThroughTheFixture()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var postfix = await PostfixRelay.StartAsync(output, server.Host, server.Port);

        var submit = await postfix.SendmailAsync("sender@example.com", ["alice@example.com", "bob@example.com"], Message);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        var message = await server.WaitForMessageAsync(timeout: DeliveryTimeout);
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.Equal("sender@example.com", message.Envelope.MailFrom);
        Assert.Equal(["alice@example.com", "bob@example.com"], message.Envelope.Recipients.Order());
        Assert.Equal("relay.test", message.Session.ClientName);
        Assert.Equal("relayed by Postfix", message.Subject);
        Assert.Contains("relay.test (Postfix", message.Message.Headers[MimeKit.HeaderId.Received], StringComparison.Ordinal);
        Assert.Contains(".leading dot", message.Message.TextBody, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GreylistedMessageIsDeliveredByPostfixsOwnRetryAfterThe450()
    {
        // Real time: Postfix retries on the system clock (minimal_backoff_time = 3 s), after the 1 s greylisting delay.
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.Greylisting(TimeSpan.FromSeconds(1))));
        await using var postfix = await PostfixRelay.StartAsync(output, server.Host, server.Port);

        var submit = await postfix.SendmailAsync("sender@example.com", ["alice@example.com"], Message);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        // Event-driven: Postfix's own queue manager retries after minimal_backoff_time; nothing here sleeps.
        var message = await server.WaitForMessageAsync(timeout: DeliveryTimeout);
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.Equal(["alice@example.com"], message.Envelope.Recipients);
        var attempts = server.Attempts.Where(a => a.MailFrom == "sender@example.com").ToList();
        Assert.True(attempts.Count == 2, server.Describe());
        // The first refusal is the 450 at RCPT TO; Postfix had pipelined DATA, which then had no recipient (554).
        var refusal = attempts[0].Refusals.First();
        Assert.Equal(SmtpStage.RcptTo, refusal.Stage);
        Assert.Equal(450, refusal.Reply.Code);
        Assert.Equal("4.7.1", refusal.Reply.EnhancedStatusCode);
        Assert.Equal("Greylisting", refusal.AnsweredBy);
        Assert.NotEqual(SmtpAttemptOutcome.Accepted, attempts[0].Outcome);
        Assert.Equal(SmtpAttemptOutcome.Accepted, attempts[1].Outcome);
        Assert.Same(message, attempts[1].Message);
    }
}
