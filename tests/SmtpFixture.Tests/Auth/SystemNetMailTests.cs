using System.Net;
using System.Net.Mail;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SmtpFixture.Tests.Auth;

public sealed class SystemNetMailTests
{
    static SystemNetMailTests()
    {
        // System.Net.Mail.SmtpClient has no per-client validation callback: on .NET 10 its STARTTLS still reads the
        // process-wide ServicePointManager callback (obsolete for HTTP, still the only hook for SMTP). The callback
        // only widens trust to exactly the fixture's certificate; every other certificate is judged as usual.
#pragma warning disable SYSLIB0014
        ServicePointManager.ServerCertificateValidationCallback = TrustFixtureCertificate;
#pragma warning restore SYSLIB0014
    }

    [Fact]
    public async Task SystemNetMailSendsWithEnableSslAndCredentials()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.Users["alice@example.com"] = "s3cret-pass";
            o.RequireTls = true;
            o.RequireAuthentication = true;
        });
        using (var client = new SmtpClient(server.Host, server.Port)
        {
            EnableSsl = true,
            Credentials = new NetworkCredential("alice@example.com", "s3cret-pass"),
            DeliveryMethod = SmtpDeliveryMethod.Network,
        })
        {
            using var message = new MailMessage("alice@example.com", "bob@example.com", "Invoice", "Please pay.");
            await client.SendMailAsync(message);
        }

        var received = await server.WaitForMessageAsync();
        Assert.Equal("Invoice", received.Message.Subject);
        Assert.True(received.Session.IsSecure);
        Assert.Equal("alice@example.com", received.Session.AuthenticatedUser);
        Assert.Equal("LOGIN", received.Session.AuthenticationMechanism);
    }

    private static bool TrustFixtureCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None || certificate?.GetCertHashString() == SmtpCertificates.Localhost.Thumbprint;
}
