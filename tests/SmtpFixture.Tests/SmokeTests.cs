using MailKit.Net.Smtp;
using MimeKit;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task MailKitMessageIsCapturedWithEnvelope()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Bcc.Add(MailboxAddress.Parse("hidden@example.com"));
        message.Subject = "Hello";
        message.Body = new TextPart("plain") { Text = "Body line\r\n.leading dot\r\n" };

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        var received = await server.WaitForMessageAsync();
        Assert.Equal("sender@example.com", received.Envelope.MailFrom);
        Assert.Equal(["alice@example.com", "hidden@example.com"], received.Envelope.Recipients);
        Assert.Equal("Hello", received.Message.Subject);
        Assert.Contains(".leading dot", received.Message.TextBody, StringComparison.Ordinal);
        Assert.Empty(received.Message.Bcc);
    }

    [Fact]
    public async Task InMemorySessionAcceptsAMessage()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.StartsWith("250-", await smtp.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250 2.1.0", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250 2.1.5", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0 OK queued as", await smtp.CommandAsync("Subject: x\r\n\r\n..dot\r\n."));
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("Subject: x\r\n\r\n.dot\r\n", System.Text.Encoding.ASCII.GetString(message.RawData.Span));
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"));
    }
}
