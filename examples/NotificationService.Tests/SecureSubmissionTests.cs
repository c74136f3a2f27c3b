using SmtpFixture;

namespace NotificationService.Tests;

/// <summary>Submission as in production: STARTTLS on a plain connection, then AUTH, then the message.</summary>
public sealed class SecureSubmissionTests
{
    [Fact]
    public async Task TheServiceUpgradesWithStartTlsAndAuthenticatesBeforeSending()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.Users["notifier"] = "correct horse battery staple";
            o.RequireTls = true;
            o.RequireAuthentication = true;
        });
        var sender = new NotificationSender(new NotificationSettings
        {
            Host = server.Host,
            Port = server.Port,
            Security = TransportSecurity.StartTls,
            UserName = "notifier",
            Password = "correct horse battery staple",

            // Trust exactly the test server's generated certificate, as a pinned certificate in production would be.
            ServerCertificateValidation = (_, certificate, _, _) => certificate?.GetCertHashString() == server.Certificate!.Thumbprint,
        });

        await sender.SendAsync(new Notification("alice@example.com", "Your statement", "Attached."));

        var received = await server.WaitForMessageAsync();
        Assert.True(received.Session.IsSecure);
        Assert.Equal("notifier", received.Session.AuthenticatedUser);
        Assert.Equal("Your statement", received.Message.Subject);
    }

    [Fact]
    public async Task WrongCredentialsAreRefusedWith535AndNothingIsSent()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.Users["notifier"] = "correct horse battery staple";
            o.RequireAuthentication = true;
        });
        var sender = new NotificationSender(new NotificationSettings
        {
            Host = server.Host,
            Port = server.Port,
            UserName = "notifier",
            Password = "wrong",
            ServerCertificateValidation = (_, certificate, _, _) => certificate?.GetCertHashString() == server.Certificate!.Thumbprint,
        });

        await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(
            () => sender.SendAsync(new Notification("alice@example.com", "Never sent", "No.")));

        Assert.Empty(server.Messages);
        Assert.Contains(server.Attempts.SelectMany(a => a.Refusals), r => r.Stage == SmtpStage.Auth && r.Reply.Code == 535);
    }
}
