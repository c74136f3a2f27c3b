using MailKit.Net.Smtp;
using MailKit.Security;
using SmtpFixture.Tests.Tls;

namespace SmtpFixture.Tests.Auth;

public sealed class MailKitAuthTests
{
    public static TheoryData<SmtpTlsMode, string> ModesAndMechanisms()
    {
        var data = new TheoryData<SmtpTlsMode, string>();
        foreach (var mode in new[] { SmtpTlsMode.StartTls, SmtpTlsMode.Implicit })
        {
            foreach (var mechanism in new[] { "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" })
            {
                data.Add(mode, mechanism);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndMechanisms))]
    public async Task MailKitAuthenticatesOverTlsAndTheMessageRecordsTheIdentity(SmtpTlsMode mode, string mechanism)
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = mode;
            o.Users["alice"] = "s3cret-pass";
            o.RequireAuthentication = true;
        });
        using (var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!) })
        {
            await client.ConnectAsync(server.Host, server.Port, mode == SmtpTlsMode.Implicit ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
            Assert.Contains(mechanism, client.AuthenticationMechanisms);
            await client.AuthenticateAsync(Mechanism(mechanism, "alice", "s3cret-pass"));
            await client.SendAsync(StartTlsTests.NewMessage());
            await client.DisconnectAsync(true);
        }

        var received = await server.WaitForMessageAsync();
        Assert.True(received.Session.IsSecure);
        Assert.Equal("alice", received.Session.AuthenticatedUser);
        Assert.Equal(mechanism, received.Session.AuthenticationMechanism);
        Assert.Equal("alice", received.Attempt.Session.AuthenticatedUser);
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("CRAM-MD5")]
    [InlineData("XOAUTH2")]
    public async Task MailKitWithAWrongSecretGetsAnAuthenticationFailure(string mechanism)
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.Users["alice"] = "s3cret-pass";
        });
        using var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!) };
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(Mechanism(mechanism, "alice", "wrong")));
        Assert.Contains("credentials invalid", ex.Message, StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Single(server.Attempts.SelectMany(a => a.Refusals));
        Assert.Equal(SmtpStage.Auth, refusal.Stage);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", refusal.Reply.ToString());
    }

    [Fact]
    public async Task AValidatorDecidesWhenSetAndSeesTheMechanism()
    {
        var seen = new List<string>();
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.ValidateCredentials = c =>
            {
                lock (seen)
                {
                    seen.Add(c.ToString());
                }

                return c.UserName == "bob@example.com" && c.Matches("from-validator");
            };
        });
        using var client = new SmtpClient { ServerCertificateValidationCallback = TestCertificates.TrustOnly(server.Certificate!) };
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(new SaslMechanismCramMd5("bob@example.com", "from-validator"));
        Assert.Equal(["CRAM-MD5 bob@example.com"], seen);
    }

    private static SaslMechanism Mechanism(string name, string user, string secret) => name switch
    {
        "PLAIN" => new SaslMechanismPlain(user, secret),
        "LOGIN" => new SaslMechanismLogin(user, secret),
        "CRAM-MD5" => new SaslMechanismCramMd5(user, secret),
        "XOAUTH2" => new SaslMechanismOAuth2(user, secret),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
