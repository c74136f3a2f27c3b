using MimeKit;

namespace SmtpFixture.Tests.Support;

/// <summary>What MailKit puts on the wire for a message: the bytes a capture must equal.</summary>
internal static class MailKitWire
{
    /// <summary>
    /// Serializes <paramref name="message"/> as MailKit's SmtpClient does after it has sent it (the message is
    /// prepared in place while sending): CRLF line endings, a final newline, Bcc and Resent-Bcc hidden.
    /// </summary>
    public static byte[] BytesOf(MimeMessage message, bool international)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        options.International = international;
        options.HiddenHeaders.Add(HeaderId.Bcc);
        options.HiddenHeaders.Add(HeaderId.ResentBcc);
        options.HiddenHeaders.Add(HeaderId.ContentLength);
        using var stream = new MemoryStream();
        message.WriteTo(options, stream);
        return stream.ToArray();
    }
}
