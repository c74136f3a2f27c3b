using System.Security.Authentication;
using SmtpFixture.Interop.Tests.Support;

namespace SmtpFixture.Interop.Tests;

/// <summary>swaks with STARTTLS (RFC 3207) and AUTH (RFC 4954) against the fixture.</summary>
public sealed class SwaksTlsAuthTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task StartTlsUpgradesTheSessionAndTheMessageArrivesOverTls()
    {
        await Swaks.RequireFeatureAsync("TLS", "libnet-ssleay-perl libio-socket-ssl-perl");
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.RequireTls = true;
        });

        var result = await Swaks.RunAsync(output, server, "--tls",
            "--from", "sender@example.com", "--to", "alice@example.com", "--header", "Subject: over tls");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("-> STARTTLS", result.StandardOutput, StringComparison.Ordinal);
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.True(message.Session.IsSecure);
        Assert.NotEqual(SslProtocols.None, message.Session.TlsProtocol);
        Assert.Equal("over tls", message.Subject);
    }

    [SkippableFact]
    public async Task TlsOnConnectReachesTheImplicitTlsServer()
    {
        await Swaks.RequireFeatureAsync("TLS", "libnet-ssleay-perl libio-socket-ssl-perl");
        await using var server = await SmtpTestServer.StartAsync(o => o.Tls = SmtpTlsMode.Implicit);

        var result = await Swaks.RunAsync(output, server, "--tls-on-connect",
            "--from", "sender@example.com", "--to", "alice@example.com", "--header", "Subject: implicit tls");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("-> STARTTLS", result.StandardOutput, StringComparison.Ordinal);
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.True(message.Session.IsSecure);
        Assert.Equal("implicit tls", message.Subject);
    }

    [SkippableTheory]
    [InlineData("PLAIN", true)]
    [InlineData("LOGIN", true)]
    [InlineData("PLAIN", false)]
    [InlineData("CRAM-MD5", false)]
    public async Task AuthenticatesWithTheMechanismAndTheMessageCarriesTheIdentity(string mechanism, bool tls)
    {
        await Swaks.RequireFeatureAsync(mechanism == "CRAM-MD5" ? "AUTH CRAM-MD5" : "Basic AUTH", "libauthen-sasl-perl libdigest-hmac-perl");
        if (tls)
        {
            await Swaks.RequireFeatureAsync("TLS", "libnet-ssleay-perl libio-socket-ssl-perl");
        }

        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Users["alice"] = "s3cret";
            o.RequireAuthentication = true;
            o.Tls = tls ? SmtpTlsMode.StartTls : SmtpTlsMode.None;
            // Without TLS, PLAIN is offered only when insecure authentication is allowed; CRAM-MD5 sends no password.
            o.AllowInsecureAuthentication = !tls && mechanism != "CRAM-MD5";
        });

        string[] tlsOption = tls ? ["--tls"] : [];
        var result = await Swaks.RunAsync(output, server, [.. tlsOption,
            "--auth", mechanism, "--auth-user", "alice", "--auth-password", "s3cret",
            "--from", "alice@example.com", "--to", "bob@example.com", "--header", "Subject: authenticated"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();

        // PLAIN without TLS sends the password readable: a true warning (RFC 8314), allowed here by the options.
        Assert.Equal(mechanism == "PLAIN" && !tls ? [SmtpFixture.Checks.SmtpRules.CleartextAuth] : [], Conformance.AssertNoErrors(message));
        Assert.Equal("alice", message.Session.AuthenticatedUser);
        Assert.Equal(mechanism, message.Session.AuthenticationMechanism);
        Assert.Equal(tls, message.Session.IsSecure);
        // The wire transcript kept in the attempt must not reveal the secret.
        Assert.DoesNotContain(server.Attempts.SelectMany(a => a.Exchanges), e => e.Command.Contains("s3cret", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task WrongPasswordGivesSwaksExitCode28ErrorInAuthTransaction()
    {
        await Swaks.RequireFeatureAsync("AUTH CRAM-MD5", "libauthen-sasl-perl libdigest-hmac-perl");
        await using var server = await SmtpTestServer.StartAsync(o => o.Users["alice"] = "s3cret");

        var result = await Swaks.RunAsync(output, server,
            "--auth", "CRAM-MD5", "--auth-user", "alice", "--auth-password", "wrong",
            "--from", "alice@example.com", "--to", "bob@example.com");

        // man swaks, EXIT CODES: "28 error in AUTH transaction".
        Assert.True(result.ExitCode == 28, result.ToString());
        Assert.Contains("<** 535", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }
}
