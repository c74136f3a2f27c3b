using System.Text;
using SmtpFixture.Protocol;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Protocol;

/// <summary>
/// RFC 6531 §3.3 allows only valid UTF-8 (RFC 3629) in commands: invalid octets are refused with a syntax reply, never
/// replaced by U+FFFD and captured as if the client had sent that.
/// </summary>
public sealed class Utf8Tests
{
    [Fact]
    public async Task InvalidUtf8InTheSenderIs553_5_1_7AndNothingIsCaptured()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync(Line("MAIL FROM:<anne", 0xFF, "@example.com> SMTPUTF8"));
        Assert.Equal("553 5.1.7 Bad sender address syntax", await smtp.ReadReplyAsync());
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("RCPT TO:<b@example.com>"));

        // The refusal is recorded with the invalid octet shown as such (U+DCFF), not as U+FFFD.
        var refusal = Assert.Single(smtp.Store.Attempts[0].Exchanges);
        Assert.Equal("MAIL FROM:<anne\uDCFF@example.com> SMTPUTF8", refusal.Command);
        Assert.DoesNotContain('\uFFFD', refusal.Command);
    }

    [Fact]
    public async Task InvalidUtf8InARecipientIs553_5_1_3()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com> SMTPUTF8");
        await smtp.SendAsync(Line("RCPT TO:<b", 0xC3, "@example.com>"));
        Assert.Equal("553 5.1.3 Bad recipient address syntax", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task InvalidUtf8InAParameterIs501_5_5_4()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync(Line("MAIL FROM:<a@example.com> SMTPUTF8 ENVID=x", 0xE2, 0x82, "y"));
        Assert.Equal("501 5.5.4 Malformed or repeated parameter", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task InvalidUtf8ElsewhereIs501_5_5_2AndTheSessionGoesOn()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.SendAsync(Line("EHLO client", 0xFF, ".example"));
        Assert.Equal("501 5.5.2 Invalid UTF-8 not allowed in commands", await smtp.ReadReplyAsync());
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task ValidUtf8IsCapturedExactly()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("MAIL FROM:<anné@exämple.com> SMTPUTF8"));
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("RCPT TO:<😀@example.com>"));
        await smtp.CommandAsync("DATA");
        await smtp.CommandAsync("Subject: x\r\n\r\nhi\r\n.");
        var envelope = Assert.Single(smtp.Store.Messages).Envelope;
        Assert.Equal("anné@exämple.com", envelope.MailFrom);
        Assert.Equal("😀@example.com", Assert.Single(envelope.Recipients));
    }

    [Theory]
    // Expected as UTF-16 code units: attribute strings cannot carry lone surrogates.
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 }, new[] { 'a', 0xDCFF, 'b' })]
    [InlineData(new byte[] { 0xC3, 0x41 }, new[] { 0xDCC3, 'A' })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, new[] { 0xDCED, 0xDCA0, 0xDC80 })]
    public void InvalidOctetsDecodeToLoneSurrogatesThatAreFoundAgain(byte[] bytes, int[] expected)
    {
        var text = StrictUtf8.Decode(bytes, out var valid);
        Assert.False(valid);
        Assert.Equal(expected, text.Select(c => (int)c));
        Assert.False(StrictUtf8.IsValid(text));
    }

    [Fact]
    public void ValidTextWithSurrogatePairsIsValid()
    {
        var text = StrictUtf8.Decode(Encoding.UTF8.GetBytes("né 😀"), out var valid);
        Assert.True(valid);
        Assert.Equal("né 😀", text);
        Assert.True(StrictUtf8.IsValid(text));
    }

    private static byte[] Line(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : [Convert.ToByte(p)]), (byte)'\r', (byte)'\n'];
}
