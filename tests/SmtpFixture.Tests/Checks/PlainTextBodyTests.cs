using System.Text;
using MimeKit;
using SmtpFixture.Checks;

namespace SmtpFixture.Tests.Checks;

/// <summary>
/// A message that is one text/plain part has its body rules checked on the raw body, without a MIME parse: the verdicts
/// are those MimeKit's reading of the part gives, and any other shape still goes through MimeKit.
/// </summary>
public sealed class PlainTextBodyTests
{
    public static TheoryData<string, string[], bool> Bodies => new()
    {
        // body, header fields replacing the good message's Content-Type, encoding-mismatch expected
        { "Grüße\r\n", [], true },
        { "Grüße\r\n", ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"], false },
        { "Grüße\r\n", ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 7bit"], true },
        { "Grüße\r\n", ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: x-unknown"], true },
        { "Grüße\r\n", ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"], false },
        { "Grüße\r\n", ["Content-Type: text/plain (a comment); charset=utf-8"], true },
        { "aGVsbG8=\r\n", ["Content-Type: TEXT/PLAIN", "Content-Transfer-Encoding: BASE64"], false },
        { "aGVsbG8*\r\n", ["Content-Type: TEXT/PLAIN", "Content-Transfer-Encoding: base64"], true },
        { "aGVsbG8*\r\n", ["Content-Type: text/plain", "Content-Transfer-Encoding: base64 (encoded)"], true },
        { "Hello\r\n", ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"], true },
        { string.Empty, ["Content-Type: text/plain", "Content-Transfer-Encoding: base64"], false },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task ThePlainTextBodyGetsMimeKitsVerdict(string body, string[] fields, bool mismatch)
    {
        var content = Mail.Build(Mail.Headers.Where(h => !h.StartsWith("Content-Type:", StringComparison.Ordinal)).Concat(fields), body);
        var message = await CheckedSession.AcceptedAsync(content, " BODY=8BITMIME");

        Assert.Equal(mismatch ? [SmtpRules.EncodingMismatch] : Array.Empty<string>(), message.Violations.Select(v => v.Rule));
        Assert.Equal(mismatch, HasMismatchByMimeKit(message.Message));
    }

    [Theory]
    [InlineData("Content-Type: text/plain")]
    [InlineData(null)]
    public void APlainTextMessageIsNotParsed(string? contentType)
    {
        var headers = Mail.Headers.Where(h => !h.StartsWith("Content-Type:", StringComparison.Ordinal));
        var data = Encoding.UTF8.GetBytes(Mail.Build(contentType is null ? headers : headers.Append(contentType), "Grüße\r\n"));

        var (violations, parses) = Run(data);

        Assert.Equal(0, parses);
        Assert.Equal([SmtpRules.EncodingMismatch], violations.Select(v => v.Rule));
    }

    [Theory]
    [InlineData("Content-Type: text/html")]
    [InlineData("Content-Type: multipart/mixed; boundary=b1")]
    [InlineData("Content-Type: text/plain", "Content-Type: text/html")]
    [InlineData("Content-Type: text/plain", "Content-Transfer-Encoding: 8bit", "Content-Transfer-Encoding: base64")]
    [InlineData("Content-Type: text/plain", "Not a field")]
    public void AnyOtherShapeIsLeftToMimeKit(params string[] fields)
    {
        var headers = Mail.Headers.Where(h => !h.StartsWith("Content-Type:", StringComparison.Ordinal)).Concat(fields);

        var (_, parses) = Run(Encoding.UTF8.GetBytes(Mail.Build(headers, "Hello\r\n")));

        Assert.Equal(1, parses);
    }

    private static (IReadOnlyList<SmtpViolation> Violations, int Parses) Run(byte[] data)
    {
        var parses = 0;
        var envelope = new SmtpEnvelope("alice@example.com", SmtpParameters.Empty, [new SmtpRecipient("bob@example.com", SmtpParameters.Empty)]);
        var violations = MessageChecks.Run(data, envelope, new CheckSettings(new SmtpCheckOptions()), "S1", "M1", () =>
        {
            parses++;
            return MimeMessage.Load(new MemoryStream(data));
        });
        return (violations, parses);
    }

    /// <summary>The check as MimeKit reads the part: its declared encoding against its content as sent.</summary>
    private static bool HasMismatchByMimeKit(MimeMessage message)
    {
        var part = Assert.IsAssignableFrom<MimePart>(message.Body);
        using var content = new MemoryStream();
        part.Content?.WriteTo(content);
        var bytes = content.ToArray();
        return part.ContentTransferEncoding switch
        {
            ContentEncoding.Default or ContentEncoding.SevenBit => !System.Text.Ascii.IsValid(bytes),
            ContentEncoding.Base64 => !IsBase64(bytes),
            _ => false,
        };
    }

    private static bool IsBase64(byte[] bytes)
    {
        var text = Encoding.ASCII.GetString(bytes).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
        return text.Length % 4 == 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);
    }
}
