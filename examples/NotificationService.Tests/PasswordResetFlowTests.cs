using FluentAssertions;
using SmtpFixture.Dkim;
using SmtpFixture.FluentAssertions;
using SmtpFixture.Xunit;

namespace NotificationService.Tests;

/// <summary>The password-reset flow end to end: the mail is signed, and the test follows the link it carries.</summary>
public sealed class PasswordResetFlowTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    // A test key: the application signs with the private half, the server verifies with the public record.
    private static readonly SmtpDkimKey Key = SmtpDkimKey.Create("example.com", "notify");

    [Fact]
    public async Task TheResetLinkFromTheMailResetsThePasswordOnce()
    {
        smtp.Server.Options.DkimKeys.Add(Key);
        var settings = Settings.For(smtp) with { Dkim = new DkimSettings(Key.Domain, Key.Selector, Key.PrivateKeyPem!) };
        var resets = new PasswordResets(new NotificationSender(settings), new Uri("https://shop.example.com/"));

        await resets.RequestAsync("grace@example.com");

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("grace@example.com"));
        mail.Should().HaveValidDkimSignature("example.com");
        mail.Should().BeDkimAligned();
        var link = mail.Should().HaveLink(l => l.Text == "Reset your password").Which;
        link.AbsoluteUri.Should().StartWith("https://shop.example.com/account/reset?token=");
        mail.FindCode(@"code\D{0,20}(\d{6})").Should().MatchRegex(@"^\d{6}$");

        resets.Redeem(link).Should().Be("grace@example.com");
        resets.Redeem(link).Should().BeNull("a reset link works once");
    }
}
