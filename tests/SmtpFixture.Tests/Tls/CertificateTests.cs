using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpFixture.Tests.Tls;

public sealed class CertificateTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task GeneratedCertificateMatchesTheHostNameTheClientValidates(string targetHost)
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        SslPolicyErrors? seen = null;
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, _, _, errors) =>
            {
                seen = errors;
                return true;
            },
        });

        // Self-signed, so the chain is untrusted; but the name must match.
        Assert.NotNull(seen);
        Assert.False(seen!.Value.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch), $"errors: {seen}");
        Assert.Equal(server.Certificate!.Thumbprint, tls.RemoteCertificate!.GetCertHashString());
    }

    [Fact]
    public void GeneratedCertificateNamesLocalhostAndBothLoopbackAddresses()
    {
        var certificate = SmtpCertificates.Localhost;
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        Assert.True(certificate.HasPrivateKey);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Contains(usages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        Assert.True(certificate.NotBefore <= DateTime.Now && certificate.NotAfter > DateTime.Now.AddYears(1));
    }

    [Fact]
    public async Task ASecondServerReusesTheGeneratedCertificate()
    {
        await using var first = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.StartTls);
        await using var second = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);
        Assert.Same(SmtpCertificates.Localhost, first.Certificate);
        Assert.Same(first.Certificate, second.Certificate);
        Assert.Equal(first.Certificate!.Thumbprint, second.Certificate!.Thumbprint);
    }

    [Fact]
    public async Task ServerWithoutTlsHasNoCertificate()
    {
        await using var server = await SmtpTestServer.StartAsync();
        Assert.Null(server.Certificate);
    }

    [Fact]
    public async Task AUserSuppliedCertificateIsTheOnePresented()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mail.test.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var generated = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var own = X509CertificateLoader.LoadPkcs12(generated.Export(X509ContentType.Pkcs12), null);
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.Implicit;
            o.Certificate = own;
        });
        Assert.Same(own, server.Certificate);

        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.StartTlsAsync(own, targetHost: "mail.test.example");
        Assert.Equal(own.Thumbprint, client.Tls!.RemoteCertificate!.GetCertHashString());
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task ACertificateWithoutTlsModeIsAConfigurationError()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => SmtpTestServer.StartAsync(o => o.Certificate = SmtpCertificates.Localhost));
        Assert.Equal("Certificate", ex.ParamName);
    }
}
