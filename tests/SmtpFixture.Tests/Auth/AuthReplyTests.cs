using System.Security.Cryptography;
using System.Text;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Auth;

/// <summary>The exact replies of AUTH (RFC 4954 §4, §6), over in-memory pipes with clear-text mechanisms allowed.</summary>
public sealed class AuthReplyTests
{
    private const string Password = "s3cret-pass";

    [Fact]
    public async Task EhloAdvertisesTheConfiguredMechanisms()
    {
        await using var smtp = await StartAsync();
        Assert.Contains("250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2", await smtp.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task PlainWithAnInitialResponseSucceedsWith235()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("235 2.7.0 Authentication successful", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
    }

    [Fact]
    public async Task PlainWithoutAnInitialResponseGetsAnEmptyChallenge()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("334 ", await smtp.CommandAsync("AUTH PLAIN"));
        Assert.Equal("235 2.7.0 Authentication successful", await smtp.CommandAsync(B64("alice\0alice\0" + Password)));
    }

    [Fact]
    public async Task LoginAsksForUserNameThenPassword()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("334 VXNlcm5hbWU6", await smtp.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await smtp.CommandAsync(B64("alice")));
        Assert.Equal("235 2.7.0 Authentication successful", await smtp.CommandAsync(B64(Password)));
    }

    [Fact]
    public async Task CramMd5AcceptsTheKeyedDigestOfItsChallenge()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        var challenge = await smtp.CommandAsync("AUTH CRAM-MD5");
        Assert.StartsWith("334 ", challenge);
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(challenge[4..]));
        Assert.Matches("^<[0-9A-F]+\\.[0-9]+@localhost>$", text);
#pragma warning disable CA5351 // CRAM-MD5 is HMAC-MD5 by definition (RFC 2195).
        var digest = Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes(Password), Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
        Assert.Equal("235 2.7.0 Authentication successful", await smtp.CommandAsync(B64("alice " + digest)));
    }

    [Fact]
    public async Task XOAuth2AcceptsTheConfiguredTokenAsBearer()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("235 2.7.0 Authentication successful", await smtp.CommandAsync("AUTH XOAUTH2 " + B64("user=alice\u0001auth=Bearer " + Password + "\u0001\u0001")));
    }

    [Fact]
    public async Task XOAuth2WithAWrongTokenGetsAnErrorChallengeThen535()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        var challenge = await smtp.CommandAsync("AUTH XOAUTH2 " + B64("user=alice\u0001auth=Bearer wrong\u0001\u0001"));
        Assert.StartsWith("334 ", challenge);
        Assert.Contains("\"status\":\"401\"", Encoding.UTF8.GetString(Convert.FromBase64String(challenge[4..])), StringComparison.Ordinal);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await smtp.CommandAsync(string.Empty));
    }

    [Fact]
    public async Task AnInitialResponseLongerThanTheCommandLimitIsAccepted()
    {
        // Real OAuth tokens run to kilobytes; RFC 4954 §4 exempts SASL data from the 512-octet command limit.
        var token = new string('t', 2000);
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.AllowInsecureAuthentication = true;
            o.Users["alice"] = token;
        });
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("235 2.7.0 Authentication successful", await smtp.CommandAsync("AUTH XOAUTH2 " + B64("user=alice\u0001auth=Bearer " + token + "\u0001\u0001")));
    }

    [Fact]
    public async Task WrongPasswordIsRejectedWith535AndRecordedAsARefusal()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0wrong")));
        var attempt = Assert.Single(smtp.Store.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Refused, attempt.Outcome);
        var exchange = Assert.Single(attempt.Exchanges);
        Assert.Equal(SmtpStage.Auth, exchange.Stage);
        Assert.Equal("AUTH PLAIN ***", exchange.Command);
        Assert.Null(attempt.Session.AuthenticatedUser);
    }

    [Fact]
    public async Task UnknownUserIsRejectedWith535()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await smtp.CommandAsync("AUTH PLAIN " + B64("\0mallory\0" + Password)));
    }

    [Fact]
    public async Task UnknownMechanismIsRejectedWith504()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("504 5.5.4 Unrecognized authentication type", await smtp.CommandAsync("AUTH GSSAPI"));
    }

    [Fact]
    public async Task CancelledExchangeIsRejectedWith501()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("334 VXNlcm5hbWU6", await smtp.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 5.0.0 Authentication cancelled", await smtp.CommandAsync("*"));

        // The exchange is over: the next line is a command again.
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task BadBase64InAResponseIsRejectedWith501()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("AUTH LOGIN");
        Assert.Equal("501 5.5.2 Cannot Base64-decode client response", await smtp.CommandAsync("not base64!"));
    }

    [Fact]
    public async Task BadBase64InAnInitialResponseIsRejectedWith501()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("501 5.5.2 Cannot Base64-decode client response", await smtp.CommandAsync("AUTH PLAIN %%%"));
    }

    [Fact]
    public async Task AMalformedPlainMessageIsRejectedWith501()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("501 5.5.2 Malformed authentication response", await smtp.CommandAsync("AUTH PLAIN " + B64("alice " + Password)));
    }

    [Fact]
    public async Task CramMd5WithAnInitialResponseIsRejectedWith501()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("501 5.7.0 Client initiated Authentication Exchange", await smtp.CommandAsync("AUTH CRAM-MD5 " + B64("alice 00")));
    }

    [Fact]
    public async Task AResponseLongerThanTheAuthenticationBufferIsRejectedWith500()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("AUTH PLAIN");
        Assert.Equal("500 5.5.6 Authentication exchange line is too long", await smtp.CommandAsync(new string('A', 13000)));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task AuthBeforeEhloIsRejectedWith503()
    {
        await using var smtp = await StartAsync();
        Assert.Equal("503 5.5.1 Send EHLO first", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
    }

    [Fact]
    public async Task AuthAfterHeloIsRejectedWith503()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("HELO client.example");
        Assert.Equal("503 5.5.1 Send EHLO first", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
    }

    [Fact]
    public async Task AuthTwiceIsRejectedWith503()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password));
        Assert.Equal("503 5.5.1 Already authenticated", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
    }

    [Fact]
    public async Task AuthDuringAMailTransactionIsRejectedWith503()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("503 5.5.1 AUTH not permitted during a mail transaction; send RSET first", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
    }

    [Fact]
    public async Task AuthWithoutAMechanismIsRejectedWith501()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("501 5.5.4 Syntax: AUTH mechanism [initial-response]", await smtp.CommandAsync("AUTH"));
    }

    [Fact]
    public async Task AuthWithoutConfiguredUsersIsNotImplemented()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.DoesNotContain("AUTH", await smtp.CommandAsync("EHLO client.example"));
        Assert.Equal("502 5.5.1 Command not implemented", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
    }

    [Fact]
    public async Task ClearTextMechanismsAreNeitherAdvertisedNorAcceptedWithoutTls()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.Users["alice"] = Password);
        var ehlo = await smtp.CommandAsync("EHLO client.example");
        Assert.Contains("250-AUTH CRAM-MD5\n", ehlo);
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await smtp.CommandAsync("AUTH LOGIN"));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await smtp.CommandAsync("AUTH XOAUTH2"));
    }

    [Fact]
    public async Task EhloAfterAuthenticationNoLongerAdvertisesAuth()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password));
        Assert.DoesNotContain("AUTH", await smtp.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task MailBeforeAuthenticationIsRefusedWith530WhenAuthenticationIsRequired()
    {
        await using var smtp = await StartAsync(o => o.RequireAuthentication = true);
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("530 5.7.0 Authentication required", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password));
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task TheRequireAuthenticationPolicySeesTheSessionAuthenticated()
    {
        await using var smtp = await StartAsync(o => o.Policies.Add(SmtpPolicies.RequireAuthentication()));
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("530 5.7.0 Authentication required", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password));
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task TheSessionInfoCarriesTheAuthenticatedIdentity()
    {
        await using var smtp = await StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("AUTH LOGIN " + B64("alice"));
        await smtp.CommandAsync(B64(Password));
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        await smtp.CommandAsync("Subject: x\r\n\r\nbody\r\n.");
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("alice", message.Session.AuthenticatedUser);
        Assert.Equal("LOGIN", message.Session.AuthenticationMechanism);
        Assert.False(message.Session.IsSecure);
    }

    [Fact]
    public async Task APolicyCanRefuseValidCredentialsAndSeesTheIdentity()
    {
        var policy = new RefuseAuth();
        await using var smtp = await StartAsync(o => o.Policies.Add(policy));
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("454 4.7.0 Try later", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
        Assert.Equal(("alice", "PLAIN"), policy.Seen);

        // Not authenticated: AUTH may be tried again.
        Assert.Equal("454 4.7.0 Try later", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
        Assert.All(smtp.Store.Attempts, a => Assert.Equal("RefuseAuth", a.Exchanges.Single().AnsweredBy));
    }

    [Fact]
    public async Task AValidatorThatThrowsGivesTheClient454AndTheTestAnError()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.AllowInsecureAuthentication = true;
            o.ValidateCredentials = _ => throw new InvalidOperationException("broken validator");
        });
        var wait = smtp.Store.WaitForMessageAsync(null, TimeSpan.FromSeconds(10), () => string.Empty, CancellationToken.None);
        await smtp.CommandAsync("EHLO client.example");
        Assert.Equal("454 4.7.0 Temporary authentication failure", await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password)));
        var error = await Assert.ThrowsAsync<SmtpPolicyException>(() => wait);
        Assert.Contains("broken validator", error.InnerExceptions.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheErrorFromAThrowingValidatorNamesThe454ReplyNotThePolicyFailure451()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.AllowInsecureAuthentication = true;
            o.ValidateCredentials = _ => throw new InvalidOperationException("broken validator");
        });
        var wait = smtp.Store.WaitForMessageAsync(null, TimeSpan.FromSeconds(10), () => string.Empty, CancellationToken.None);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("AUTH PLAIN " + B64("\0alice\0" + Password));
        var error = await Assert.ThrowsAsync<SmtpPolicyException>(() => wait);
        Assert.Contains("454 4.7.0", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("451", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialsMatchTheCramMd5ExampleOfRfc2195()
    {
        var credentials = SmtpCredentials.ForDigest("CRAM-MD5", "tim", "<1896.697170952@postoffice.reston.mci.net>", "b913a602c7eda7a495b4e6e7334d3890");
        Assert.True(credentials.Matches("tanstaaftanstaaf"));
        Assert.False(credentials.Matches("tanstaaf"));
        Assert.Null(credentials.Password);
        Assert.Equal("CRAM-MD5 tim", credentials.ToString());
    }

    private static Task<InMemorySmtp> StartAsync(Action<SmtpTestServerOptions>? configure = null) => InMemorySmtp.StartAsync(o =>
    {
        o.AllowInsecureAuthentication = true;
        o.Users["alice"] = Password;
        configure?.Invoke(o);
    });

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private sealed class RefuseAuth : SmtpPolicy
    {
        public (string?, string?) Seen { get; private set; }

        public override ValueTask<SmtpVerdict> OnAuthAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
        {
            Seen = (context.Session.AuthenticatedUser, context.Mechanism);
            return ValueTask.FromResult(SmtpVerdict.Reply(new SmtpReply(454, "4.7.0", "Try later")));
        }
    }
}
