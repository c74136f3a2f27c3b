using System.Text;
using MimeKit;
using SmtpFixture;

namespace NotificationService.Tests;

/// <summary>A class fixture: one server for every test in this class; each test looks only for its own recipient.</summary>
public sealed class WelcomeMailTests(MailServerFixture mail) : IClassFixture<MailServerFixture>
{
    [Fact]
    public async Task TheWelcomeMailIsHtmlWithATextAlternativeAndThePdfAttached()
    {
        var sender = new NotificationSender(mail.Settings);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7 terms and conditions");

        await sender.SendAsync(new Notification("alice@example.com", "Welcome, Alice", "Welcome aboard!")
        {
            HtmlBody = "<h1>Welcome aboard!</h1><p>Your account is ready.</p>",
            Attachments = [new NotificationAttachment("terms.pdf", "application/pdf", pdf)],
        });

        var received = await mail.Server.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("alice@example.com"));
        Assert.Equal("notifications@example.com", received.Envelope.MailFrom);
        Assert.Equal("Welcome, Alice", received.Message.Subject);
        Assert.Contains("<h1>Welcome aboard!</h1>", received.Message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Welcome aboard!", received.Message.TextBody, StringComparison.Ordinal);
        var attachment = Assert.IsType<MimePart>(Assert.Single(received.Message.Attachments));
        Assert.Equal("terms.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        Assert.Equal(pdf, content.ToArray());
    }

    [Fact]
    public async Task APlainNotificationHasNoHtmlPart()
    {
        var sender = new NotificationSender(mail.Settings);

        await sender.SendAsync(new Notification("bob@example.com", "Your order shipped", "It is on its way."));

        var received = await mail.Server.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("bob@example.com"));
        Assert.Null(received.Message.HtmlBody);
        Assert.Equal("It is on its way.", received.Message.TextBody?.TrimEnd());
        Assert.Equal("Example Notifications", Assert.IsType<MailboxAddress>(Assert.Single(received.Message.From)).Name);
    }
}
