using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace SmtpFixture.Content;

/// <summary>
/// Writes <see cref="ReceivedMessage.ToSnapshot"/>: envelope, top-level headers, then each MIME part with its headers
/// and decoded content. Placeholders are numbered per kind in order of first appearance, so equal values get equal
/// placeholders and the text of two deliveries of the same message is identical.
/// </summary>
internal sealed partial class SnapshotWriter(ReceivedMessage received, SmtpSnapshotOptions options)
{
    private static readonly HashSet<string> DateHeaders = new(StringComparer.OrdinalIgnoreCase) { "Date", "Resent-Date", "Delivery-Date", "Expires", "Expiry-Date", "Reply-By" };
    private static readonly HashSet<string> MessageIdHeaders = new(StringComparer.OrdinalIgnoreCase) { "Message-ID", "Resent-Message-ID", "References", "In-Reply-To" };
    private static readonly HashSet<string> SignatureHeaders = new(StringComparer.OrdinalIgnoreCase) { "DKIM-Signature", "ARC-Message-Signature", "ARC-Seal" };

    private readonly Dictionary<(string Kind, string Value), string> _placeholders = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly StringBuilder _text = new();

    public string Write()
    {
        var message = received.Message;
        if (options.IncludeEnvelope)
        {
            Line("MAIL FROM:<" + received.Envelope.MailFrom + ">");
            foreach (var recipient in received.Envelope.Recipients)
            {
                Line("RCPT TO:<" + recipient + ">");
            }

            Line(string.Empty);
        }

        WriteHeaders(message.Headers);
        WriteEntity(message.Body, "1");
        return _text.ToString();
    }

    private void WriteEntity(MimeEntity? entity, string number)
    {
        if (entity is null)
        {
            return;
        }

        Line(string.Empty);
        Line($"--- part {number}: {entity.ContentType.MimeType}");
        WriteHeaders(entity.Headers);
        switch (entity)
        {
            case Multipart multipart:
                for (var i = 0; i < multipart.Count; i++)
                {
                    WriteEntity(multipart[i], number + "." + (i + 1).ToString(CultureInfo.InvariantCulture));
                }

                break;
            case TextPart { IsAttachment: false } text:
                Line(string.Empty);
                foreach (var line in Body(text.Text).Split('\n'))
                {
                    Line(line);
                }

                break;
            default:
                Line(string.Empty);
                Line(Describe(entity));
                break;
        }
    }

    private static string Describe(MimeEntity entity)
    {
        using var content = new MemoryStream();
        switch (entity)
        {
            case MimePart { Content: { } data }:
                data.DecodeTo(content);
                break;
            case MessagePart { Message: { } inner }:
                inner.WriteTo(content);
                break;
        }

        var name = entity is MimePart part ? part.FileName : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"(attachment {(name is null ? "without name" : "\"" + name + "\"")}, {entity.ContentType.MimeType}, {content.Length} bytes, sha256 {Convert.ToHexString(SHA256.HashData(content.ToArray())).ToLowerInvariant()})");
    }

    private void WriteHeaders(HeaderList headers)
    {
        foreach (var header in headers)
        {
            if (!options.ExcludedHeaders.Contains(header.Field))
            {
                Line(header.Field + ": " + (options.VerbatimHeaders.Contains(header.Field) ? Unfold(header.Value) : HeaderValue(header)));
            }
        }
    }

    private string HeaderValue(Header header)
    {
        var name = header.Field;
        var value = Unfold(header.Value);
        if (DateHeaders.Contains(name))
        {
            return Placeholder("date", value);
        }

        if (name.Equals("Received", StringComparison.OrdinalIgnoreCase))
        {
            return Placeholder("received", value);
        }

        if (MessageIdHeaders.Contains(name))
        {
            value = AngleId().Replace(value, m => "<" + Placeholder("message-id", m.Groups[1].Value) + ">");
        }
        else if (name.Equals("Content-ID", StringComparison.OrdinalIgnoreCase))
        {
            value = AngleId().Replace(value, m => "<" + Placeholder("content-id", m.Groups[1].Value) + ">");
        }
        else if (SignatureHeaders.Contains(name))
        {
            value = SignatureTag().Replace(value, m => m.Groups[1].Value + "=" + Placeholder("dkim-" + m.Groups[1].Value.Trim(), m.Groups[2].Value));
        }
        else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            value = Boundary().Replace(value, m => m.Groups[1].Value + Placeholder("boundary", m.Groups[2].Value) + m.Groups[3].Value);
        }

        return Common(value);
    }

    private string Body(string text) => Common(ContentIdReference().Replace(text.ReplaceLineEndings("\n").TrimEnd('\n'), m => "cid:" + Placeholder("content-id", m.Groups[1].Value)));

    /// <summary>What is replaced everywhere: the queue id and the user's own patterns.</summary>
    private string Common(string value)
    {
        value = value.Replace(received.Id, "{queue-id}", StringComparison.Ordinal);
        foreach (var (pattern, name) in options.Scrubs)
        {
            value = pattern.Replace(value, m =>
            {
                var group = m.Groups.Count > 1 && m.Groups[1].Success ? m.Groups[1] : m.Groups[0];
                return m.Value[..(group.Index - m.Index)] + Placeholder(name, group.Value) + m.Value[(group.Index - m.Index + group.Length)..];
            });
        }

        return value;
    }

    private string Placeholder(string kind, string value)
    {
        if (!_placeholders.TryGetValue((kind, value), out var placeholder))
        {
            var n = _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
            placeholder = "{" + kind + "-" + n.ToString(CultureInfo.InvariantCulture) + "}";
            _placeholders[(kind, value)] = placeholder;
        }

        return placeholder;
    }

    private void Line(string line) => _text.Append(line).Append('\n');

    private static string Unfold(string value) => Whitespace().Replace(value, " ").Trim();

    [GeneratedRegex(@"<([^<>]*)>")]
    private static partial Regex AngleId();

    // DKIM/ARC tags whose values change with every signing: the signature, the body hash, the timestamps.
    [GeneratedRegex(@"(?<=^|;)(\s*(?:b|bh|t|x))\s*=\s*([^;]*?)\s*(?=;|$)")]
    private static partial Regex SignatureTag();

    [GeneratedRegex(@"(boundary\s*=\s*""?)([^"";\s]+)(""?)", RegexOptions.IgnoreCase)]
    private static partial Regex Boundary();

    [GeneratedRegex(@"cid:([^\s""'<>)]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ContentIdReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
