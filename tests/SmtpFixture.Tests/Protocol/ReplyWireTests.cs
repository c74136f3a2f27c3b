using System.Buffers;
using System.Text;
using SmtpFixture.Protocol;

namespace SmtpFixture.Tests.Protocol;

/// <summary>A reply in wire format (RFC 5321 §4.2.1): written straight into the session's output, byte for byte.</summary>
public sealed class ReplyWireTests
{
    [Theory]
    [InlineData(true, "250 2.1.0 Ok\r\n")]
    [InlineData(false, "250 Ok\r\n")]
    public void AOneLineReplyHasTheEnhancedCodeOnlyWhenOffered(bool enhanced, string wire) =>
        Assert.Equal(wire, Write(new SmtpReply(250, "2.1.0", "Ok"), enhanced));

    [Fact]
    public void EveryLineButTheLastHasAHyphenAndEachCarriesTheEnhancedCode() =>
        Assert.Equal("250-2.0.0 one\r\n250-2.0.0 two\r\n250 2.0.0 three\r\n", Write(new SmtpReply(250, "2.0.0", "one", "two", "three"), true));

    [Fact]
    public void AReplyWithoutAnEnhancedCodeIsWrittenWithoutOneWhenTheyAreOffered() =>
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>\r\n", Write(new SmtpReply(354, null, "Start mail input; end with <CRLF>.<CRLF>"), true));

    [Fact]
    public void TextIsUtf8AndTheCountIsOfBytes()
    {
        var writer = new ArrayBufferWriter<byte>(1);
        var count = new SmtpReply(550, "5.1.1", "Grüße unknown").WriteTo(writer, true);

        Assert.Equal(Encoding.UTF8.GetBytes("550 5.1.1 Grüße unknown\r\n"), writer.WrittenSpan.ToArray());
        Assert.Equal(writer.WrittenCount, count);
    }

    [Fact]
    public void LinesLongerThanAnyBufferSegmentAreWrittenWhole()
    {
        var lines = new[] { new string('x', 5000), new string('y', 70_000) };
        Assert.Equal($"250-{lines[0]}\r\n250 {lines[1]}\r\n", Write(new SmtpReply(250, null, lines), true));
    }

    [Fact]
    public void TheQueueIdReplyIsAnOrdinaryReply()
    {
        var reply = Replies.Queued("ABC123");

        Assert.Equal("250 2.0.0 OK queued as ABC123\r\n", Write(reply, true));
        Assert.Equal(new SmtpReply(250, "2.0.0", "OK queued as ABC123"), reply);
    }

    private static string Write(SmtpReply reply, bool enhanced)
    {
        var writer = new ArrayBufferWriter<byte>(1);
        var count = reply.WriteTo(writer, enhanced);
        Assert.Equal(writer.WrittenCount, count);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }
}
