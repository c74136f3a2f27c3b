using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SmtpFixture.Xunit.Tests;

/// <summary>Sends mail with MailKit, as the code under test would.</summary>
internal static class Mail
{
    /// <summary>A recipient no other test uses, so that a test finds its own mail on a shared server.</summary>
    public static string UniqueRecipient() => $"user-{Guid.NewGuid():N}@example.com";

    public static async Task SendAsync(SmtpServerFixture smtp, string to, string subject = "Hello")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello" };

        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.None, cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
