using MailKit.Net.Smtp;
using MailKit.Security;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Tls;

/// <summary>The REQUIRETLS extension (RFC 8689): advertised and accepted only over TLS, recorded in the envelope.</summary>
public sealed class RequireTlsExtensionTests
{
    [Fact]
    public async Task MailKitOverStartTlsSendsRequireTlsAndTheEnvelopeRecordsIt()
    {
        await using var server = await SmtpTestServer.StartAsync(o => (o.Tls, o.AdvertiseRequireTls) = (SmtpTlsMode.StartTls, true));
        using (var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!), RequireTLS = true })
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
            Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.RequireTLS));
            await client.SendAsync(StartTlsTests.NewMessage());
            await client.DisconnectAsync(true);
        }

        var received = await server.WaitForMessageAsync();
        Assert.True(received.Envelope.RequireTls);
        Assert.Null(received.Envelope.MailParameters["REQUIRETLS"]);
    }

    [Fact]
    public async Task OfferedOnlyOverTlsAndRefusedWith555Before()
    {
        await using var server = await SmtpTestServer.StartAsync(o => (o.Tls, o.AdvertiseRequireTls) = (SmtpTlsMode.StartTls, true));
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        Assert.DoesNotContain("REQUIRETLS", await client.CommandAsync("EHLO client.example"));
        Assert.Equal("555 5.5.4 Parameter not recognized or not implemented", await client.CommandAsync("MAIL FROM:<a@example.com> REQUIRETLS"));
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.CommandAsync("STARTTLS"));
        await client.StartTlsAsync(server.Certificate!);
        Assert.Contains("\n250-REQUIRETLS\n", await client.CommandAsync("EHLO client.example"));
        Assert.Equal("501 5.5.4 Malformed or repeated parameter", await client.CommandAsync("MAIL FROM:<a@example.com> REQUIRETLS=YES"));
        Assert.Equal("250 2.1.0 Sender OK", await client.CommandAsync("MAIL FROM:<a@example.com> REQUIRETLS"));
    }

    [Fact]
    public async Task HiddenByDefault()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.StartTlsAsync(server.Certificate!);
        await client.ReadReplyAsync();
        Assert.DoesNotContain("REQUIRETLS", await client.CommandAsync("EHLO client.example"));
        Assert.Equal("555 5.5.4 Parameter not recognized or not implemented", await client.CommandAsync("MAIL FROM:<a@example.com> REQUIRETLS"));
    }

    [Fact]
    public async Task WithoutTlsTheOptionIsAMistake()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SmtpTestServer.StartAsync(o => o.AdvertiseRequireTls = true));
        Assert.Equal("AdvertiseRequireTls", error.ParamName);
    }
}
