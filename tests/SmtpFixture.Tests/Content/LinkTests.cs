using System.Text;
using MimeKit;
using SmtpFixture.Tests.Dkim;

namespace SmtpFixture.Tests.Content;

/// <summary>Links and one-time codes in the shapes real transactional mail has.</summary>
public sealed class LinkTests
{
    [Fact]
    public async Task HtmlLinksComeInDocumentOrderWithTheirTextAndDecodedAmpersands()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var builder = new BodyBuilder
        {
            HtmlBody = """
                <html><head><style>a { color: red }</style></head><body>
                <p>Hi Alice, <a href="https://click.example.net/track?u=https%3A%2F%2Fshop.example.com%2Freset%3Ft%3Dabc&amp;id=42">Reset
                    your   <b>password</b></a></p>
                <a href="/relative/ignored">relative</a>
                <a href="https://shop.example.com/help?a=1&amp;b=2"><img src="cid:logo" alt="Help"></a>
                <a href='mailto:support@example.com'>support@example.com</a>
                </body></html>
                """,
        };

        var received = await SendAsync(server, builder.ToMessageBody());

        Assert.Equal(
            [
                "https://click.example.net/track?u=https%3A%2F%2Fshop.example.com%2Freset%3Ft%3Dabc&id=42 [Reset your password]",
                "https://shop.example.com/help?a=1&b=2 [Help]",
                "mailto:support@example.com [support@example.com]",
            ],
            received.Links.Select(l => l.ToString()));
        Assert.All(received.Links, l => Assert.True(l.InHtml));
    }

    [Fact]
    public async Task TrackingRedirectIsFoundByTextAndItsTargetCanBeRead()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var html = """<a href="https://t.example.net/c/XYZ?url=https%3A%2F%2Fshop.example.com%2Fconfirm%3Ftoken%3D7f3a">Confirm</a>""";

        var received = await SendAsync(server, new TextPart("html") { Text = html });

        var link = received.FindLink(l => l.Text == "Confirm");
        Assert.NotNull(link);
        Assert.Equal("t.example.net", link.Host);
        var target = new Uri(Uri.UnescapeDataString(link.Query.Split("url=")[1]));
        Assert.Equal("https://shop.example.com/confirm?token=7f3a", target.AbsoluteUri);
    }

    [Fact]
    public async Task LinkOnlyInTheTextPartIsFoundAfterTheHtmlOnes()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var builder = new BodyBuilder
        {
            TextBody = "Reset your password: https://shop.example.com/reset?token=abc123.\r\n(Or see <https://shop.example.com/help>)\r\n",
            HtmlBody = "<p>Open the <a href=\"https://shop.example.com/app\">app</a>.</p>",
        };

        var received = await SendAsync(server, builder.ToMessageBody());

        Assert.Equal(
            ["https://shop.example.com/reset?token=abc123", "https://shop.example.com/help", "https://shop.example.com/app [app]"],
            received.Links.Select(l => l.ToString()));
        Assert.Equal("https://shop.example.com/reset?token=abc123", received.FindLink(@"/reset\?token=")?.AbsoluteUri);
        Assert.Null(received.FindLink("/unsubscribe"));
    }

    [Fact]
    public async Task QuotedPrintableSoftLineBreaksInsideAUrlAreUndone()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var url = "https://shop.example.com/account/password/reset?token=" + new string('a', 60) + "&user=alice%40example.org";

        // Quoted-printable lines are at most 76 characters: the encoder splits this URL with soft line breaks.
        var part = new TextPart("html") { Text = $"<a href=\"{url}\">Reset</a>", ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        var received = await SendAsync(server, part);

        var raw = Encoding.ASCII.GetString(received.RawData.Span);
        Assert.Contains("=\r\n", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(url, raw, StringComparison.Ordinal);
        Assert.Equal(url, Assert.Single(received.Links).Uri.OriginalString);
    }

    [Fact]
    public async Task Base64TextPartIsDecoded()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var part = new TextPart("plain") { Text = "Confirm: https://shop.example.com/confirm?t=1\r\n", ContentTransferEncoding = ContentEncoding.Base64 };

        var received = await SendAsync(server, part);

        Assert.Equal("https://shop.example.com/confirm?t=1", Assert.Single(received.Links).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task CodeIsFoundInHtmlTextWithTagsSeparatingWords()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var html = "<table><tr><td>Your verification code</td><td><b>482913</b></td></tr></table><p>Order 1234567 ships soon.</p>";

        var received = await SendAsync(server, new TextPart("html") { Text = html });

        Assert.Equal("482913", received.FindCode(@"code\D{0,20}(\d{6})"));
        Assert.Equal("482913", received.FindCode(@"\b\d{6}\b"));
        Assert.Null(received.FindCode(@"PIN:\s*(\d{4})"));
    }

    [Fact]
    public async Task CodeInTheSubjectIsFoundFirst()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var received = await SendAsync(server, new TextPart("plain") { Text = "Enter 111111 if asked." }, subject: "Your code is 924017");

        Assert.Equal("924017", received.FindCode(@"\b\d{6}\b"));
    }

    private static async Task<ReceivedMessage> SendAsync(SmtpTestServer server, MimeEntity body, string subject = "Links")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("noreply@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.org"));
        message.Subject = subject;
        message.Body = body;
        return await SignedMail.SendAsync(server, message);
    }
}
