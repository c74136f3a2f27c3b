using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SmtpFixture.FluentAssertions.Tests;

/// <summary>Builds and sends messages with MailKit, as an application would.</summary>
internal static class Mail
{
    public static MimeMessage Create(string from, string to, string subject, string text = "Hello", string? html = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        message.Body = body.ToMessageBody();
        return message;
    }

    public static async Task SendAsync(SmtpTestServer server, MimeMessage message, MailboxAddress? sender = null, IEnumerable<MailboxAddress>? recipients = null)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        if (sender is null && recipients is null)
        {
            await client.SendAsync(message);
        }
        else
        {
            await client.SendAsync(message, sender ?? (MailboxAddress)message.From[0], recipients ?? message.To.Mailboxes);
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>Sends a message to a recipient the server refuses; the client sees the refusal as an exception.</summary>
    public static async Task<SmtpCommandException> SendRefusedAsync(SmtpTestServer server, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        await client.DisconnectAsync(true);
        return error;
    }
}
