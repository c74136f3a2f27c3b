using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;
using SmtpFixture.Content;
using SmtpFixture.Dkim;
using SmtpFixture.Tests.Dkim;

namespace SmtpFixture.Tests.Content;

/// <summary>The snapshot text: stable across deliveries, different for different content, readable.</summary>
public sealed class SnapshotTests
{
    private static readonly SmtpDkimKey Key = SmtpDkimKey.Create("example.com", "s1", DkimSignatureAlgorithm.Ed25519Sha256);

    [Fact]
    public async Task SameMessageSentTwiceYieldsIdenticalSnapshots()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var first = await SignedMail.SendAsync(server, Welcome(DateTimeOffset.UtcNow));
        var second = await SignedMail.SendAsync(server, Welcome(DateTimeOffset.UtcNow.AddHours(1)));

        // Every volatile value differs between the two deliveries...
        Assert.NotEqual(first.Message.MessageId, second.Message.MessageId);
        Assert.NotEqual(first.Message.Date, second.Message.Date);
        Assert.NotEqual(Assert.IsType<Multipart>(first.Message.Body).Boundary, Assert.IsType<Multipart>(second.Message.Body).Boundary);
        Assert.NotEqual(first.Message.Headers[HeaderId.DkimSignature], second.Message.Headers[HeaderId.DkimSignature]);

        // ...and the snapshots do not.
        Assert.Equal(first.ToSnapshot(), second.ToSnapshot());
    }

    [Fact]
    public async Task SnapshotIsReadableWithNumberedPlaceholdersThatKeepEquality()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var received = await SignedMail.SendAsync(server, Welcome(DateTimeOffset.UtcNow));

        var snapshot = received.ToSnapshot();
        Assert.Equal(ExpectedWelcome, snapshot);
        Assert.DoesNotContain('\r', snapshot);
    }

    [Fact]
    public async Task DifferentContentGivesADifferentSnapshot()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var changedText = Welcome(DateTimeOffset.UtcNow, text: "Welcome, Bob!\r\n");
        var changedAttachment = Welcome(DateTimeOffset.UtcNow, attachment: "terms, version 2");

        var baseline = (await SignedMail.SendAsync(server, Welcome(DateTimeOffset.UtcNow))).ToSnapshot();
        var text = (await SignedMail.SendAsync(server, changedText)).ToSnapshot();
        var attachment = (await SignedMail.SendAsync(server, changedAttachment)).ToSnapshot();

        Assert.NotEqual(baseline, text);
        Assert.Contains("Welcome, Bob!", text, StringComparison.Ordinal);
        Assert.NotEqual(baseline, attachment);
        Assert.Equal(baseline.Split('\n').Length, attachment.Split('\n').Length);
    }

    [Fact]
    public async Task OptionsDropHeadersKeepValuesVerbatimAndScrubFurtherValues()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var date = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
        var message = Welcome(date, text: "Confirm: https://shop.example.com/confirm?token=8f3a91&next=https://shop.example.com/confirm?token=8f3a91\r\n");
        message.Headers.Add("X-Mailer", "Shop 4.2.1-nightly");

        var received = await SignedMail.SendAsync(server, message);
        var options = new SmtpSnapshotOptions { IncludeEnvelope = false }.Scrub(@"token=(\w+)", "token");
        options.ExcludedHeaders.Add("x-mailer");
        options.VerbatimHeaders.Add("Date");
        var snapshot = received.ToSnapshot(options);

        Assert.StartsWith("DKIM-Signature: v=1; a=ed25519-sha256;", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Mailer", snapshot, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\nDate: Tue, 01 Dec 2026 09:30:00 +0000\n", snapshot, StringComparison.Ordinal);
        Assert.Contains("Confirm: https://shop.example.com/confirm?token={token-1}&next=https://shop.example.com/confirm?token={token-1}\n", snapshot, StringComparison.Ordinal);
    }

    private const string ExpectedWelcome = """
        MAIL FROM:<noreply@example.com>
        RCPT TO:<alice@example.org>

        DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=s1; c=simple/simple; t={dkim-t-1}; h=from:to:subject:date:message-id:in-reply-to:references; bh={dkim-bh-1}; b={dkim-b-1}
        From: Shop <noreply@example.com>
        Date: {date-1}
        Subject: Welcome to the shop
        Message-Id: <{message-id-1}>
        Received: {received-1}
        To: alice@example.org
        In-Reply-To: <{message-id-2}>
        References: <{message-id-3}> <{message-id-2}>
        MIME-Version: 1.0

        --- part 1: multipart/mixed
        Content-Type: multipart/mixed; boundary="{boundary-1}"

        --- part 1.1: multipart/alternative
        Content-Type: multipart/alternative; boundary="{boundary-2}"

        --- part 1.1.1: text/plain
        Content-Type: text/plain; charset=utf-8

        Welcome, Alice!

        --- part 1.1.2: multipart/related
        Content-Type: multipart/related; boundary="{boundary-3}"; type="text/html"

        --- part 1.1.2.1: text/html
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        <p>Welcome, <b>Alice</b>!</p><img src="cid:{content-id-1}" alt="Shop">

        --- part 1.1.2.2: image/png
        Content-Type: image/png; name=logo.png
        Content-Transfer-Encoding: base64
        Content-Disposition: inline; filename=logo.png
        Content-Location: logo.png
        Content-Id: <{content-id-1}>

        (attachment "logo.png", image/png, 16 bytes, sha256 9d243875ccf8e0cf70d797323c36fd79dc5d0e4a369fa3d29940f598636f3fb5)

        --- part 1.2: text/plain
        Content-Type: text/plain; name=terms.txt
        Content-Transfer-Encoding: 7bit
        Content-Disposition: attachment; filename=terms.txt

        (attachment "terms.txt", text/plain, 16 bytes, sha256 8349aa457d2dda41ce2df677475b5edda3ae46368ddbc1fe9a6a318f95be045c)

        """;

    private static MimeMessage Welcome(DateTimeOffset date, string attachment = "terms, version 1", string text = "Welcome, Alice!\r\n")
    {
        var message = new MimeMessage();
        message.Headers.Add(HeaderId.Received, $"from app.example.com (app.example.com [192.0.2.7]) by mx.example.com with ESMTP id {Guid.NewGuid():N}; {DateUtils.FormatDate(date)}");
        message.From.Add(new MailboxAddress("Shop", "noreply@example.com"));
        message.Date = date;
        message.Subject = "Welcome to the shop";
        message.MessageId = MimeUtils.GenerateMessageId("example.com");
        message.To.Add(MailboxAddress.Parse("alice@example.org"));
        var signup = MimeUtils.GenerateMessageId("example.com");
        message.InReplyTo = signup;
        message.References.Add(MimeUtils.GenerateMessageId("example.com"));
        message.References.Add(signup);

        var builder = new BodyBuilder { TextBody = text };
        var logo = builder.LinkedResources.Add("logo.png", Encoding.ASCII.GetBytes("not really a PNG"), new ContentType("image", "png"));
        logo.ContentId = MimeUtils.GenerateMessageId("example.com");
        builder.HtmlBody = $"<p>Welcome, <b>Alice</b>!</p><img src=\"cid:{logo.ContentId}\" alt=\"Shop\">";
        builder.Attachments.Add("terms.txt", Encoding.ASCII.GetBytes(attachment), new ContentType("text", "plain"));
        message.Body = builder.ToMessageBody();

        message.Prepare(EncodingConstraint.SevenBit);
        Key.CreateSigner().Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.InReplyTo, HeaderId.References]);
        return message;
    }
}
