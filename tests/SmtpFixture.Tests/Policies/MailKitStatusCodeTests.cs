using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

/// <summary>What an application using MailKit sees when a policy refuses: the exception type, error code and status code.</summary>
public sealed class MailKitStatusCodeTests
{
    [Fact]
    public async Task GreylistingGivesMailKitA450RecipientNotAccepted()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.Greylisting(TimeSpan.FromMinutes(5))));

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, Message()));

        Assert.Equal(SmtpStatusCode.MailboxBusy, error.StatusCode);
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Equal("alice@example.com", error.Mailbox?.Address);
    }

    [Fact]
    public async Task RateLimitingGivesMailKitA421AtMailFrom()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.Policies.Add(SmtpPolicies.RateLimit(1, TimeSpan.FromMinutes(1)));
        });
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await client.SendAsync(Message());

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message()));

        Assert.Equal(SmtpStatusCode.ServiceNotAvailable, error.StatusCode);
        Assert.Equal(SmtpErrorCode.SenderNotAccepted, error.ErrorCode);
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task AnUnknownRecipientGivesMailKitA550RecipientNotAccepted()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("@example.org")));

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, Message()));

        Assert.Equal(SmtpStatusCode.MailboxUnavailable, error.StatusCode);
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
    }

    [Fact]
    public async Task ABadlyFormedRecipientGivesMailKitA553()
    {
        await using var server = await SmtpTestServer.StartAsync();

        // Valid for RFC 5322 (which MimeKit parses), but not an RFC 5321 domain: underscores are not allowed there.
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, Message(to: "bob@ex_ample.com")));

        Assert.Equal(SmtpStatusCode.MailboxNameNotAllowed, error.StatusCode);
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitGivesMailKitA552()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.MaxMessageSize(1024)));

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, Message(body: new string('x', 4096))));

        Assert.Equal(SmtpStatusCode.ExceededStorageAllocation, error.StatusCode);
        Assert.Empty(server.Messages);
    }

    // MailKit turns a 530 (SmtpStatusCode.AuthenticationRequired) into ServiceNotAuthenticatedException, not SmtpCommandException.
    [Fact]
    public async Task RequiredAuthenticationGivesMailKitA530()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.RequireAuthentication()));

        var error = await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => SendAsync(server, Message()));

        Assert.Equal("5.7.0 Authentication required", error.Message);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task RequiredTlsGivesMailKitA530()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.RequireTls()));

        var error = await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => SendAsync(server, Message()));

        Assert.Equal("5.7.0 Must issue a STARTTLS command first", error.Message);
        var refusal = server.Attempts.SelectMany(a => a.Refusals).First();
        Assert.Equal((530, "RequireTls"), (refusal.Reply.Code, refusal.AnsweredBy));
    }

    [Fact]
    public async Task AScriptedReplyReachesMailKitAsScripted()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMessage().Reply(SmtpReplies.RejectedAsSpam);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, Message()));

        Assert.Equal(SmtpStatusCode.TransactionFailed, error.StatusCode);
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, error.ErrorCode);
        Assert.Empty(server.Messages);
    }

    private static MimeMessage Message(string to = "alice@example.com", string body = "Hello")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Test";
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private static async Task SendAsync(SmtpTestServer server, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }
}
