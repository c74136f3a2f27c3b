using FluentAssertions;
using MimeKit;
using MimeKit.Cryptography;
using SmtpFixture.Dkim;
using Xunit.Sdk;
using static SmtpFixture.FluentAssertions.Tests.Text;

namespace SmtpFixture.FluentAssertions.Tests;

public sealed class ContentAssertionsTests : IAsyncLifetime
{
    private static readonly SmtpDkimKey Key = SmtpDkimKey.Create("example.com", "s1", DkimSignatureAlgorithm.Ed25519Sha256);
    private static readonly SmtpDkimKey Other = SmtpDkimKey.Create("example.com", "s2", DkimSignatureAlgorithm.Ed25519Sha256);

    private SmtpTestServer server = null!;

    public async Task InitializeAsync() => server = await SmtpTestServer.StartAsync(o => o.DkimKeys.Add(Key));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task HaveValidDkimSignatureGivesTheResult()
    {
        var message = await SendAsync("noreply@mail.example.com", Key);

        message.Should().HaveValidDkimSignature("EXAMPLE.com").Which.Selector.Should().Be("s1");
        message.Should().BeDkimAligned().Which.Domain.Should().Be("example.com");
    }

    [Fact]
    public async Task HaveValidDkimSignatureFailsWithEachSignaturesReason()
    {
        var message = await SendAsync("noreply@example.com", Other);

        var act = () => message.Should().HaveValidDkimSignature("example.com", "the mail provider checks it");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have a valid DKIM signature for example.com because the mail provider checks it, but its signatures are:",
            "  d=example.com s=s2: fail, no key for selector: nothing registered for s2._domainkey.example.com (example.com has selector(s) s1); add it to DkimKeys",
            "The message: *: <noreply@example.com> -> <alice@example.org> \"Reset your password\" (* bytes)"));
    }

    [Fact]
    public async Task HaveValidDkimSignatureFailsForAnUnsignedMessage()
    {
        var message = await SendAsync("noreply@example.com", signer: null);

        var act = () => message.Should().HaveValidDkimSignature("example.com");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have a valid DKIM signature for example.com, but it has no DKIM-Signature header.",
            "The message: *"));
    }

    [Fact]
    public async Task BeDkimAlignedFailsWhenOnlyRelaxedAlignmentHolds()
    {
        var message = await SendAsync("noreply@mail.example.com", Key);

        var act = () => message.Should().BeDkimAligned(SmtpDkimAlignment.Strict);

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have a valid DKIM signature aligned (strictly) with its From (noreply@mail.example.com), but its signatures are:",
            "  d=example.com s=s1: pass",
            "The message: *"));
    }

    [Fact]
    public async Task HaveLinkGivesTheUriToFollow()
    {
        var message = await SendAsync("noreply@example.com", signer: null);

        message.Should().HaveLink(@"/reset\?token=").Which.Query.Should().Be("?token=abc&user=42");
        message.Should().HaveLink(l => l.Text == "Reset password").Which.Host.Should().Be("shop.example.com");
    }

    [Fact]
    public async Task HaveLinkFailsListingTheLinks()
    {
        var message = await SendAsync("noreply@example.com", signer: null);

        var act = () => message.Should().HaveLink("/unsubscribe");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have a link matching /unsubscribe, but its links are:",
            "  https://shop.example.com/reset?token=abc&user=42",
            "  https://shop.example.com/reset?token=abc&user=42 [Reset password]",
            "The message: *"));
    }

    [Fact]
    public async Task HaveLinkWithAPredicateShowsThePredicate()
    {
        var message = await SendAsync("noreply@example.com", signer: null);

        var act = () => message.Should().HaveLink(l => l.Text == "Unsubscribe");

        act.Should().Throw<XunitException>().WithMessage("Expected message to have a link where (l.Text == \"Unsubscribe\"), but its links are:*");
    }

    private async Task<ReceivedMessage> SendAsync(string from, SmtpDkimKey? signer)
    {
        var mime = Mail.Create(from, "alice@example.org", "Reset your password",
            text: "Reset it here: https://shop.example.com/reset?token=abc&user=42",
            html: "<a href=\"https://shop.example.com/reset?token=abc&amp;user=42\">Reset password</a>");
        if (signer is not null)
        {
            mime.Prepare(EncodingConstraint.SevenBit);
            signer.CreateSigner().Sign(mime, [HeaderId.From, HeaderId.To, HeaderId.Subject]);
        }

        await Mail.SendAsync(server, mime);
        return await server.WaitForMessageAsync();
    }
}
