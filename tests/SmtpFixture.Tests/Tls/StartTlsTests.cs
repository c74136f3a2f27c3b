using System.Security.Authentication;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Tls;

public sealed class StartTlsTests
{
    [Fact]
    public async Task MailKitSendsOverStartTlsTrustingTheCertificateByThumbprint()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        using (var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!) })
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
            Assert.True(client.IsSecure);
            await client.SendAsync(NewMessage());
            await client.DisconnectAsync(true);
        }

        var received = await server.WaitForMessageAsync();
        Assert.True(received.Session.IsSecure);
        Assert.NotEqual(SslProtocols.None, received.Session.TlsProtocol);
        Assert.False(string.IsNullOrEmpty(received.Session.TlsCipherSuite));
        Assert.Null(received.Session.AuthenticatedUser);

        // MailKit waits for the 220 before its ClientHello: nothing is pipelined after STARTTLS.
        Assert.DoesNotContain(server.Violations, v => v.Rule == SmtpRules.PipelinedAfterStartTls);
    }

    [Fact]
    public async Task MailKitSendsOverImplicitTls()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        using (var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!) })
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.SslOnConnect);
            Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
            await client.SendAsync(NewMessage());
            await client.DisconnectAsync(true);
        }

        var received = await server.WaitForMessageAsync();
        Assert.True(received.Session.IsSecure);
        Assert.NotEqual(SslProtocols.None, received.Session.TlsProtocol);
    }

    [Fact]
    public async Task EhloAdvertisesStartTlsBeforeTlsAndNotAfter()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        Assert.Contains("250-STARTTLS", await client.CommandAsync("EHLO client.example"));
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.CommandAsync("STARTTLS"));
        await client.StartTlsAsync(server.Certificate!);
        Assert.DoesNotContain("STARTTLS", await client.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task CommandsPipelinedWithStartTlsAreDiscardedNotExecutedAfterTheHandshake()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");

        // The injected MAIL arrives in the same packet as STARTTLS, in plaintext (RFC 3207 §4.2).
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadReplyAsync());
        await client.StartTlsAsync(server.Certificate!);

        // Had MAIL been executed, its 250 would be the first thing read over TLS; and the session was reset, so MAIL
        // without a new EHLO is out of sequence.
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await client.CommandAsync("MAIL FROM:<real@example.com>"));
        Assert.StartsWith("250-", await client.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<real@example.com>"));
        Assert.StartsWith("221", await client.CommandAsync("QUIT"));
        await client.ReadToEndAsync();

        Assert.DoesNotContain(server.Attempts, a => a.MailFrom == "injected@example.com");
        Assert.DoesNotContain(server.Attempts.SelectMany(a => a.Exchanges), e => e.Command.Contains("injected", StringComparison.Ordinal));
        Assert.Contains(server.Attempts, a => a.Violations.Any(v => v.Rule == SmtpRules.PipelinedAfterStartTls && v.Reference == "RFC 3207 §4.2"));
    }

    [Fact]
    public async Task StartTlsAfterTlsIsRejectedWith503()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync(server.Certificate!);
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("503 5.5.1 TLS already active", await client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task StartTlsOverImplicitTlsIsRejectedWith503()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.StartTlsAsync(server.Certificate!);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        Assert.DoesNotContain("STARTTLS", await client.CommandAsync("EHLO client.example"));
        Assert.Equal("503 5.5.1 TLS already active", await client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task StartTlsWithAnArgumentIsRejectedWith501()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("501 5.5.4 Syntax: STARTTLS (no parameters allowed)", await client.CommandAsync("STARTTLS now"));
    }

    [Fact]
    public async Task StartTlsWithoutTlsConfiguredIsNotImplemented()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.DoesNotContain("STARTTLS", await smtp.CommandAsync("EHLO client.example"));
        Assert.Equal("502 5.5.1 Command not implemented", await smtp.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task MailBeforeStartTlsIsRefusedWith530WhenTlsIsRequired()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.RequireTls = true;
        });
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync(server.Certificate!);
        await client.CommandAsync("EHLO client.example");
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Contains(server.Attempts, a => a.Refusals.Any(r => r.Reply.Code == 530 && !a.Session.IsSecure));
    }

    [Fact]
    public async Task AuthBeforeStartTlsIsRefusedWith530AndNotAdvertisedWhenTlsIsRequired()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.RequireTls = true;
            o.Users["alice"] = "s3cret-pass";
        });
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        Assert.DoesNotContain("AUTH", await client.CommandAsync("EHLO client.example"));
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await client.CommandAsync("AUTH CRAM-MD5"));
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync(server.Certificate!);
        Assert.Contains("250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2", await client.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task TheRequireTlsPolicySeesTheSessionSecureAfterStartTls()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.Policies.Add(SmtpPolicies.RequireTls());
        });
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync(server.Certificate!);
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("250 2.1.0 Sender OK", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task ConfiguredTlsProtocolIsTheOneNegotiatedAndRecorded()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.TlsProtocols = SslProtocols.Tls12;
        });
        using (var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!) })
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
            await client.SendAsync(NewMessage());
            await client.DisconnectAsync(true);
        }

        var received = await server.WaitForMessageAsync();
        Assert.Equal(SslProtocols.Tls12, received.Session.TlsProtocol);
    }

    [Fact]
    public async Task PlaintextInsteadOfAClientHelloIsRecordedAsAFailedHandshake()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        await using (var client = await RawSmtpClient.ConnectAsync(server))
        {
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.example");
            Assert.Equal("220 2.0.0 Ready to start TLS", await client.CommandAsync("STARTTLS"));
            await client.SendAsync("EHLO still-plaintext.example\r\n");

            // The server gives up on the handshake and closes without another SMTP reply.
            Assert.DoesNotContain("250", await client.ReadToEndAsync());
        }

        // Disposal waits for the session to end, so its record is complete.
        await server.DisposeAsync();
        var refusal = Assert.Single(server.Attempts.SelectMany(a => a.Refusals));
        Assert.Equal(SmtpStage.StartTls, refusal.Stage);
        Assert.Equal("<TLS handshake>", refusal.Command);
        Assert.Empty(server.Messages);
    }

    internal static MimeMessage NewMessage()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Subject = "Over TLS";
        message.Body = new TextPart("plain") { Text = "Hello" };
        return message;
    }
}
