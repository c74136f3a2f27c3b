using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;
using SmtpFixture.Dkim;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Dkim;

/// <summary>DKIM signatures made by MimeKit with test keys, sent through MailKit, verified against the registered keys.</summary>
public sealed class DkimVerificationTests
{
    private static readonly SmtpDkimKey RsaKey = SmtpDkimKey.Create("example.com", "s1");

    [Theory]
    [InlineData(DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Simple)]
    [InlineData(DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed)]
    [InlineData(DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Simple)]
    [InlineData(DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Relaxed)]
    public async Task SignatureMadeWithTheRegisteredKeyVerifiesOverTheBytesAsSent(DkimCanonicalizationAlgorithm header, DkimCanonicalizationAlgorithm body)
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));
        var message = SignedMail.Sign(SignedMail.New(), RsaKey, header, body);

        var received = await SignedMail.SendAsync(server, message);

        Assert.Equal(MailKitWire.BytesOf(message, international: false), received.RawData.ToArray());
        var result = Assert.Single(received.VerifyDkim());
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(("example.com", "s1", DkimSignatureAlgorithm.RsaSha256), (result.Domain, result.Selector, result.Algorithm));
        Assert.Null(result.Reason);
        Assert.Equal("d=example.com s=s1: pass", result.ToString());
    }

    [Fact]
    public async Task Ed25519SignatureVerifies()
    {
        var key = SmtpDkimKey.Create("example.com", "ed", DkimSignatureAlgorithm.Ed25519Sha256);
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(key));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), key));

        var result = Assert.Single(received.VerifyDkim());
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(DkimSignatureAlgorithm.Ed25519Sha256, result.Algorithm);
        Assert.StartsWith("v=DKIM1; k=ed25519; p=", key.PublicKeyRecord, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(key.PublicKeyRecord["v=DKIM1; k=ed25519; p=".Length..]).Length);
    }

    [Fact]
    public async Task KeyRegisteredByItsPublicRecordAloneVerifies()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add("example.com", "s1", RsaKey.PublicKeyRecord));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), RsaKey));

        Assert.True(Assert.Single(received.VerifyDkim()).IsValid);
    }

    [Fact]
    public async Task BodyChangedAfterSigningIsABodyHashMismatch()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));
        var message = SignedMail.Sign(SignedMail.New(), RsaKey);
        Assert.IsType<TextPart>(message.Body).Text = "Hello Alice,\r\n\r\nyour order has been cancelled.\r\n";

        var received = await SignedMail.SendAsync(server, message);

        var result = Assert.Single(received.VerifyDkim());
        Assert.False(result.IsValid);
        Assert.Equal(SmtpDkimFailure.BodyHashMismatch, result.Failure);
        Assert.StartsWith("body hash mismatch: the body was changed after signing (bh=", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedHeaderChangedAfterSigningIsAHeaderSignatureMismatch()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));
        var message = SignedMail.Sign(SignedMail.New(), RsaKey);
        message.Subject = "Your order (forwarded)";

        var received = await SignedMail.SendAsync(server, message);

        var result = Assert.Single(received.VerifyDkim());
        Assert.Equal(SmtpDkimFailure.HeaderSignatureMismatch, result.Failure);
        Assert.Equal(
            "header signature mismatch: the body is intact, but a signed header field (h=from:to:subject:date:message-id) was changed after signing, " +
            "or the message was signed with another key than the one registered for s1._domainkey.example.com",
            result.Reason);
    }

    [Fact]
    public async Task SignatureWithAnotherKeyUnderTheSameSelectorIsAHeaderSignatureMismatch()
    {
        var other = SmtpDkimKey.Create("example.com", "s1");
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), other));

        Assert.Equal(SmtpDkimFailure.HeaderSignatureMismatch, Assert.Single(received.VerifyDkim()).Failure);
    }

    [Fact]
    public async Task UnknownSelectorNamesWhatIsRegistered()
    {
        var unregistered = SmtpDkimKey.Create("example.com", "s2024");
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), unregistered));

        var result = Assert.Single(received.VerifyDkim());
        Assert.Equal(SmtpDkimFailure.NoKey, result.Failure);
        Assert.Equal("no key for selector: nothing registered for s2024._domainkey.example.com (example.com has selector(s) s1); add it to DkimKeys", result.Reason);
    }

    [Fact]
    public async Task SignatureThatDoesNotCoverFromIsRejectedBeforeAnyCryptography()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));
        var message = SignedMail.Sign(SignedMail.New(), RsaKey);

        // MimeKit refuses to sign without From, so the h= list is edited afterwards: the From check comes first.
        var signature = message.Headers[HeaderId.DkimSignature]!;
        message.Headers[HeaderId.DkimSignature] = signature.Replace("h=from:", "h=", StringComparison.Ordinal);

        var received = await SignedMail.SendAsync(server, message);

        var result = Assert.Single(received.VerifyDkim());
        Assert.Equal(SmtpDkimFailure.FromNotSigned, result.Failure);
        Assert.Equal("From not signed: h=to:subject:date:message-id must include from (RFC 6376 §5.4)", result.Reason);
    }

    [Fact]
    public async Task SignatureExpiredBeforeTheMessageArrivedFails()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.DkimKeys.Add(RsaKey);
            o.TimeProvider = clock;
        });

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), RsaKey, expireAfter: TimeSpan.FromHours(1)));

        var result = Assert.Single(received.VerifyDkim());
        Assert.Equal(SmtpDkimFailure.Expired, result.Failure);
        Assert.StartsWith("expired: the signature expired at ", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RsaSha1IsDisabled()
    {
        var key = SmtpDkimKey.Create("example.com", "legacy", DkimSignatureAlgorithm.RsaSha1);
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(key));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), key));

        var result = Assert.Single(received.VerifyDkim());
        Assert.Equal(SmtpDkimFailure.AlgorithmDisabled, result.Failure);
        Assert.Equal("algorithm disabled: a=rsa-sha1 is not accepted, sign with rsa-sha256 (RFC 8301 §3.1)", result.Reason);
    }

    [Fact]
    public async Task RsaKeyShorterThan1024BitsIsTooShort()
    {
        using var rsa = RSA.Create(512);
        var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add("example.com", "weak", record));
        var message = SignedMail.New();
        message.Prepare(EncodingConstraint.SevenBit);
        using var pem = new MemoryStream(Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem()));
        new DkimSigner(pem, "example.com", "weak").Sign(message, [HeaderId.From, HeaderId.Subject]);

        var received = await SignedMail.SendAsync(server, message);

        var result = Assert.Single(received.VerifyDkim());
        Assert.Equal(SmtpDkimFailure.KeyTooShort, result.Failure);
        Assert.Equal("key too short: the RSA key for weak._domainkey.example.com has 512 bits, at least 1024 are required (RFC 8301 §3.2)", result.Reason);
    }

    [Fact]
    public async Task Ed25519SignatureCheckedAgainstAnRsaKeyIsAKeyTypeMismatch()
    {
        var ed = SmtpDkimKey.Create("example.com", "s1", DkimSignatureAlgorithm.Ed25519Sha256);
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(), ed));

        Assert.Equal(SmtpDkimFailure.KeyTypeMismatch, Assert.Single(received.VerifyDkim()).Failure);
    }

    [Fact]
    public async Task EachSignatureGetsItsOwnResultInHeaderOrder()
    {
        var ed = SmtpDkimKey.Create("example.com", "ed", DkimSignatureAlgorithm.Ed25519Sha256);
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(ed));
        var message = SignedMail.Sign(SignedMail.Sign(SignedMail.New(), RsaKey), ed);

        var received = await SignedMail.SendAsync(server, message);

        var results = received.VerifyDkim();
        Assert.Equal(["ed", "s1"], results.Select(r => r.Selector));
        Assert.Equal([true, false], results.Select(r => r.IsValid));
    }

    [Fact]
    public async Task UnsignedMessageHasNoResults()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));

        var received = await SignedMail.SendAsync(server, SignedMail.New());

        Assert.Empty(received.VerifyDkim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TrailingWhitespaceAddedInTransitBreaksOnlySimpleBodyCanonicalisation(bool relaxed)
    {
        var canonicalization = relaxed ? DkimCanonicalizationAlgorithm.Relaxed : DkimCanonicalizationAlgorithm.Simple;
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));
        var signed = MailKitWire.BytesOf(SignedMail.Sign(SignedMail.New(), RsaKey, body: canonicalization), international: false);

        // A relay that pads a line: the bytes that arrive are what is verified, not a re-serialised parse.
        var text = Encoding.ASCII.GetString(signed).Replace("your order has shipped.\r\n", "your order  has shipped. \t\r\n\r\n", StringComparison.Ordinal);
        await using (var client = await RawSmtpClient.ConnectAsync(server))
        {
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO relay.test");
            await client.CommandAsync("MAIL FROM:<noreply@example.com>");
            await client.CommandAsync("RCPT TO:<alice@example.org>");
            await client.CommandAsync("DATA");
            Assert.StartsWith("250 ", await client.CommandAsync(text + "."), StringComparison.Ordinal);
            await client.CommandAsync("QUIT");
        }

        var result = Assert.Single((await server.WaitForMessageAsync()).VerifyDkim());
        Assert.Equal(relaxed ? SmtpDkimFailure.None : SmtpDkimFailure.BodyHashMismatch, result.Failure);
    }

    [Theory]
    [InlineData("example.com", "noreply@example.com", true, true)]
    [InlineData("mail.example.com", "noreply@example.com", true, false)]
    [InlineData("example.com", "noreply@news.example.com", true, false)]
    [InlineData("EXAMPLE.com", "noreply@example.COM", true, true)]
    [InlineData("example.net", "noreply@example.com", false, false)]
    [InlineData("shop.example.co.uk", "noreply@example.co.uk", true, false)]
    [InlineData("other.co.uk", "noreply@example.co.uk", false, false)]
    public async Task AlignmentFollowsDmarcRelaxedAndStrict(string signingDomain, string from, bool relaxed, bool strict)
    {
        var key = SmtpDkimKey.Create(signingDomain, "s1", DkimSignatureAlgorithm.Ed25519Sha256);
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(key));

        var received = await SignedMail.SendAsync(server, SignedMail.Sign(SignedMail.New(from), key));

        var result = Assert.Single(received.VerifyDkim());
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal((relaxed, strict), (result.IsAligned(SmtpDkimAlignment.Relaxed), result.IsAligned(SmtpDkimAlignment.Strict)));
    }

    [Theory]
    [InlineData("v=1; a=rsa-sha256; d=example.com; s=s1; h=from; bh=", "malformed signature: the required tag b= is missing (RFC 6376 §3.5)")]
    [InlineData("v=1; a=rsa-sha256; d=example.com; s=s1; h=from; bh=AAAA; b=AAAA; x=soon", "malformed signature: x=soon is not a number of seconds since 1970")]
    [InlineData("v=1; a=rsa-md5; d=example.com; s=s1; h=from; bh=AAAA; b=AAAA", "algorithm disabled: a=rsa-md5 is not a DKIM algorithm this verifier accepts (rsa-sha256, ed25519-sha256)")]
    public async Task MalformedSignatureIsReportedNotThrown(string signature, string reason)
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(RsaKey));
        var message = SignedMail.New();
        message.Headers.Add(HeaderId.DkimSignature, signature);

        var received = await SignedMail.SendAsync(server, message);

        Assert.Equal(reason, Assert.Single(received.VerifyDkim()).Reason);
    }

    [Fact]
    public void PublicKeyRecordInZoneFileFormIsAccepted()
    {
        var record = RsaKey.PublicKeyRecord;
        var zone = $"s1._domainkey\tIN\tTXT\t( \"{record[..20]}\"\n\t  \"{record[20..]}\" )  ; ----- DKIM key s1 for example.com";

        var key = SmtpDkimKey.FromPublicKeyRecord("example.com", "s1", zone);

        Assert.Equal(record, key.PublicKeyRecord);
        Assert.Null(key.PrivateKeyPem);
        Assert.Throws<InvalidOperationException>(() => key.CreateSigner());
    }

    [Fact]
    public void MisuseGetsClearErrors()
    {
        Assert.Contains("Not a DKIM public key record", Assert.Throws<ArgumentException>(() => SmtpDkimKey.FromPublicKeyRecord("example.com", "s1", "v=DKIM1; k=rsa; p=bm90IGEga2V5")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SmtpDkimKey.Create("example com", "s1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SmtpDkimKey.Create("example.com", "s1", (DkimSignatureAlgorithm)42));
    }
}
