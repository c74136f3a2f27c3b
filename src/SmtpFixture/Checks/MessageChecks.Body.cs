using System.Text;
using MimeKit;

namespace SmtpFixture.Checks;

/// <summary>
/// The body rules of the message layer (broken multipart, encoding mismatch, HTML without text): read from MimeKit's
/// message, except for a message that is one text/plain part, whose rules come down to its raw body.
/// </summary>
internal static partial class MessageChecks
{
    /// <summary>
    /// The transfer encoding of a message that is one text/plain part (no Content-Type, or text/plain), whose body rules
    /// come down to the encoding check on the raw body: no MIME parse for the most common message, which is what the
    /// standalone server's message event asks of every message. Null when MimeKit must decide: another type, or
    /// a field it would read differently from the first occurrence (a repeated or unparsable one).
    /// </summary>
    private static ContentEncoding? PlainTextEncoding(List<Field> fields)
    {
        Field? contentType = null;
        Field? transferEncoding = null;
        foreach (var field in fields)
        {
            if (string.Equals(field.Name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                if (contentType is not null)
                {
                    return null;
                }

                contentType = field;
            }
            else if (string.Equals(field.Name, "Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (transferEncoding is not null)
                {
                    return null;
                }

                transferEncoding = field;
            }
        }

        if (contentType is not null && (!ContentType.TryParse(contentType.Value, out var type) || !type.IsMimeType("text", "plain")))
        {
            return null;
        }

        if (transferEncoding is null)
        {
            return ContentEncoding.Default;
        }

        // MimeKit takes an encoding it does not know as Default, and so does this.
        return MimeKit.Utils.MimeUtils.TryParse(transferEncoding.Value, out ContentEncoding encoding) ? encoding : ContentEncoding.Default;
    }

    private static void CheckBody(MimeMessage message, ReadOnlySpan<byte> data, Report add)
    {
        if (message.Body is { } body)
        {
            CheckEntity(body, data, add);
        }

        if (message.HtmlBody is not null && message.TextBody is null)
        {
            add(KnownRules.HtmlWithoutText, "body", null, "The message has an HTML body and no text/plain alternative.");
        }
    }

    private static void CheckEntity(MimeEntity entity, ReadOnlySpan<byte> data, Report add)
    {
        switch (entity)
        {
            case Multipart multipart:
                CheckMultipart(multipart, data, add);
                foreach (var child in multipart)
                {
                    CheckEntity(child, data, add);
                }

                break;
            case MimePart part:
                CheckPart(part, add);
                break;
        }
    }

    private static void CheckMultipart(Multipart multipart, ReadOnlySpan<byte> data, Report add)
    {
        var contentType = "Content-Type: " + multipart.ContentType.MimeType;
        var boundary = multipart.ContentType.Boundary;
        if (string.IsNullOrEmpty(boundary))
        {
            add(KnownRules.BrokenMultipart, "part " + multipart.ContentType.MimeType, contentType, "A multipart Content-Type without a boundary parameter.");
        }
        else if (multipart.Count == 0)
        {
            add(KnownRules.BrokenMultipart, "part " + multipart.ContentType.MimeType, contentType + "; boundary=" + boundary, $"No part starts with the boundary \"--{boundary}\".");
        }
        else if (data.IndexOf(Encoding.UTF8.GetBytes("--" + boundary + "--")) < 0)
        {
            add(KnownRules.BrokenMultipart, "part " + multipart.ContentType.MimeType, contentType + "; boundary=" + boundary, $"The multipart is not closed with \"--{boundary}--\".");
        }
    }

    private static void CheckPart(MimePart part, Report add)
    {
        if (part.Content is null)
        {
            return;
        }

        using var content = new MemoryStream();
        part.Content.WriteTo(content);
        CheckContent(part.ContentType.MimeType, part.ContentTransferEncoding, content.GetBuffer().AsSpan(0, (int)content.Length), add);
    }

    /// <summary>Whether a part's content, as sent, is what its Content-Transfer-Encoding declares.</summary>
    private static void CheckContent(string mimeType, ContentEncoding encoding, ReadOnlySpan<byte> bytes, Report add)
    {
        var where = "part " + mimeType;
        switch (encoding)
        {
            case ContentEncoding.Default or ContentEncoding.SevenBit when !Ascii.IsValid(bytes):
                add(KnownRules.EncodingMismatch, where, null, $"The {mimeType} part is declared 7bit but holds 8-bit octets; declare 8bit (with BODY=8BITMIME) or encode it as quoted-printable or base64.");
                break;
            case ContentEncoding.Base64 when !IsBase64(bytes):
                add(KnownRules.EncodingMismatch, where, null, $"The {mimeType} part is declared base64 but is not valid base64.");
                break;
        }
    }

    /// <summary>Base64 as RFC 2045 §6.8 has it: the alphabet, line breaks, and padding only at the end.</summary>
    private static bool IsBase64(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        var padding = 0;
        foreach (var b in bytes)
        {
            if (b is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')
            {
                continue;
            }

            if (b == '=')
            {
                padding++;
            }
            else if (padding > 0 || !(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/'))
            {
                return false;
            }

            count++;
        }

        return count % 4 == 0 && padding <= 2;
    }
}
