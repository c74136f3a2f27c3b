using System.Text;
using FluentAssertions;
using MimeKit;
using SmtpFixture.FluentAssertions;
using SmtpFixture.Xunit;
using Xunit.Abstractions;

namespace NotificationService.Tests;

/// <summary>
/// A class fixture: one server for every test in this class. Each test looks only for its own recipient, and the
/// server's SMTP transcript goes to the test's output, so a failure shows the conversation.
/// </summary>
public sealed class WelcomeMailTests : IClassFixture<SmtpServerFixture>, IDisposable
{
    private readonly SmtpServerFixture _smtp;
    private readonly IDisposable _transcript;

    public WelcomeMailTests(SmtpServerFixture smtp, ITestOutputHelper output)
    {
        _smtp = smtp;
        _transcript = smtp.UseOutput(output);
    }

    public void Dispose() => _transcript.Dispose();

    [Fact]
    public async Task TheWelcomeMailIsHtmlWithATextAlternativeAndThePdfAttached()
    {
        var sender = new NotificationSender(Settings.For(_smtp));
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7 terms and conditions");

        await sender.SendAsync(new Notification("alice@example.com", "Welcome, Alice", "Welcome aboard!")
        {
            HtmlBody = "<h1>Welcome aboard!</h1><p>Your account is ready.</p>",
            Attachments = [new NotificationAttachment("terms.pdf", "application/pdf", pdf)],
        });

        var received = await _smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("alice@example.com"));
        received.Should().BeFrom("notifications@example.com")
            .And.HaveSubject("Welcome, Alice")
            .And.HaveHtmlBodyContaining("<h1>Welcome aboard!</h1>")
            .And.HaveTextBodyContaining("Welcome aboard!");
        var attachment = received.Should().HaveAttachment("terms.pdf").Which;
        attachment.ContentType.MimeType.Should().Be("application/pdf");
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        content.ToArray().Should().Equal(pdf);
    }

    [Fact]
    public async Task APlainNotificationHasNoHtmlPart()
    {
        var sender = new NotificationSender(Settings.For(_smtp));

        await sender.SendAsync(new Notification("bob@example.com", "Your order shipped", "It is on its way."));

        var received = await _smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("bob@example.com"));
        Assert.Null(received.Message.HtmlBody);
        Assert.Equal("It is on its way.", received.Message.TextBody?.TrimEnd());
        Assert.Equal("Example Notifications", Assert.IsType<MailboxAddress>(Assert.Single(received.Message.From)).Name);
    }
}
