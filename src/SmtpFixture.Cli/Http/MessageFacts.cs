using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// What the API shows of one message, read from its MIME structure once and kept beside it: addresses, bodies, parts
/// with Mailpit-style part IDs, tags, snippet. MimeKit part content is a shared stream, so decoding is serialized here.
/// </summary>
internal sealed partial class MessageFacts
{
    private const int SnippetLength = 250;
    private static readonly ConditionalWeakTable<ReceivedMessage, Lazy<MessageFacts>> Cache = [];
    private readonly Dictionary<string, MimeEntity> _parts;
    private readonly Lock _gate = new();

    private MessageFacts(ReceivedMessage received)
    {
        Received = received;
        _parts = new Dictionary<string, MimeEntity>(StringComparer.Ordinal);
        MimeMessage? message;
        try
        {
            message = received.Message;
        }
        catch (FormatException)
        {
            // Accepted bytes need not be MIME; the envelope and raw source are still shown.
            message = null;
        }

        var headers = message?.Headers;
        From = message is null ? null : Addresses(message.From).FirstOrDefault();
        To = message is null ? [] : Addresses(message.To);
        Cc = message is null ? [] : Addresses(message.Cc);
        ReplyTo = message is null ? [] : Addresses(message.ReplyTo);
        var inHeaders = To.Concat(Cc).Select(a => a.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // As Mailpit does: recipients of the envelope that no To or Cc header names were blind copies.
        Bcc = message is null ? [] : [.. Addresses(message.Bcc).Concat(received.Envelope.Recipients.Where(r => !inHeaders.Contains(r)).Select(r => new MailpitAddress(string.Empty, r)))
            .DistinctBy(a => a.Address, StringComparer.OrdinalIgnoreCase)];
        Subject = message?.Subject ?? string.Empty;
        MessageId = message?.MessageId ?? string.Empty;
        Date = message is not null && message.Date != DateTimeOffset.MinValue ? message.Date : received.ReceivedAt;
        Tags = headers?["X-Tags"] is { } tags
            ? [.. tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
            : [];
        ReturnPath = headers?["Return-Path"]?.Trim().Trim('<', '>') ?? received.Envelope.MailFrom;
        ListUnsubscribe = new MailpitListUnsubscribe(
            headers?["List-Unsubscribe"] ?? string.Empty,
            headers?["List-Unsubscribe"] is { } list ? [.. AngleBracketed().Matches(list).Select(m => m.Groups[1].Value)] : [],
            string.Empty,
            headers?["List-Unsubscribe-Post"] ?? string.Empty);
        Headers = headers is null ? new Dictionary<string, List<string>>() : headers
            .GroupBy(h => h.Field, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.First().Field, g => g.Select(h => h.Value).ToList(), StringComparer.OrdinalIgnoreCase);

        var attachments = new List<MailpitAttachment>();
        var inline = new List<MailpitAttachment>();
        TextPart? text = null;
        TextPart? html = null;
        if (message?.Body is { } body)
        {
            Walk(body, string.Empty, (partId, entity) =>
            {
                _parts[partId] = entity;
                if (entity is TextPart textPart && !textPart.IsAttachment && (textPart.IsPlain || textPart.IsHtml))
                {
                    if (textPart.IsPlain && text is null)
                    {
                        text = textPart;
                        return;
                    }

                    if (textPart.IsHtml && html is null)
                    {
                        html = textPart;
                        return;
                    }
                }

                var summary = Describe(partId, entity);
                (entity.ContentId is not null && !entity.IsAttachment ? inline : attachments).Add(summary);
            });
        }

        Text = text?.Text ?? string.Empty;
        Html = html?.Text ?? string.Empty;
        Attachments = attachments;
        Inline = inline;
        Snippet = MakeSnippet(Text.Length > 0 ? Text : HtmlTags().Replace(Html, " "));
    }

    public ReceivedMessage Received { get; }

    public MailpitAddress? From { get; }

    public IReadOnlyList<MailpitAddress> To { get; }

    public IReadOnlyList<MailpitAddress> Cc { get; }

    public IReadOnlyList<MailpitAddress> Bcc { get; }

    public IReadOnlyList<MailpitAddress> ReplyTo { get; }

    public string Subject { get; }

    public string MessageId { get; }

    public DateTimeOffset Date { get; }

    public IReadOnlyList<string> Tags { get; }

    public string ReturnPath { get; }

    public MailpitListUnsubscribe ListUnsubscribe { get; }

    public IReadOnlyDictionary<string, List<string>> Headers { get; }

    public string Text { get; }

    public string Html { get; }

    public IReadOnlyList<MailpitAttachment> Attachments { get; }

    public IReadOnlyList<MailpitAttachment> Inline { get; }

    public string Snippet { get; }

    public static MessageFacts Of(ReceivedMessage message) =>
        Cache.GetValue(message, m => new Lazy<MessageFacts>(() => new MessageFacts(m))).Value;

    public MailpitMessageSummary Summary(bool read) => new(
        Received.Id, MessageId, read, From, To, Cc, Bcc, ReplyTo, Subject, Received.ReceivedAt,
        Received.Session.AuthenticatedUser ?? string.Empty, Tags, Received.Size, Attachments.Count, Snippet);

    public MailpitMessage Details() => new(
        Received.Id, MessageId, From, To, Cc, Bcc, ReplyTo, ReturnPath, Subject, ListUnsubscribe, Date, Tags,
        Received.Session.AuthenticatedUser ?? string.Empty, Text, Html, Received.Size, Inline, Attachments,
        new EnvelopeDto(
            Received.Envelope.MailFrom,
            Received.Envelope.Recipients,
            Received.Session.RemoteAddress?.ToString() ?? Received.Session.RemoteEndPoint.ToString() ?? string.Empty,
            Received.Session.ClientName,
            Received.Session.IsSecure,
            Received.Session.SessionId));

    /// <summary>The decoded content of a part, with its type and file name; <see langword="null"/> for an unknown part ID.</summary>
    public (byte[] Content, string ContentType, string FileName)? Part(string partId)
    {
        if (!_parts.TryGetValue(partId, out var entity))
        {
            return null;
        }

        lock (_gate)
        {
            return (Decode(entity), entity.ContentType.MimeType, FileNameOf(entity));
        }
    }

    private MailpitAttachment Describe(string partId, MimeEntity entity)
    {
        byte[] content;
        lock (_gate)
        {
            content = Decode(entity);
        }

        return new MailpitAttachment(
            partId,
            FileNameOf(entity),
            entity.ContentType.MimeType,
            entity.ContentId ?? string.Empty,
            content.LongLength,
            new MailpitChecksums(
                Convert.ToHexStringLower(MD5.HashData(content)),
                Convert.ToHexStringLower(SHA1.HashData(content)),
                Convert.ToHexStringLower(SHA256.HashData(content))));
    }

    /// <summary>Numbers parts as paths of 1-based positions ("1", "2.1"), the way Mailpit's part IDs read.</summary>
    private static void Walk(MimeEntity entity, string prefix, Action<string, MimeEntity> visit)
    {
        if (entity is not Multipart multipart)
        {
            visit(prefix.Length == 0 ? "1" : prefix, entity);
            return;
        }

        for (var i = 0; i < multipart.Count; i++)
        {
            var position = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Walk(multipart[i], prefix.Length == 0 ? position : prefix + "." + position, visit);
        }
    }

    private static byte[] Decode(MimeEntity entity)
    {
        using var buffer = new MemoryStream();
        switch (entity)
        {
            case MimePart { Content: { } content }:
                content.DecodeTo(buffer);
                break;
            case MessagePart { Message: { } inner }:
                inner.WriteTo(buffer);
                break;
            default:
                entity.WriteTo(buffer, contentOnly: true);
                break;
        }

        return buffer.ToArray();
    }

    private static string FileNameOf(MimeEntity entity) => entity switch
    {
        MimePart { FileName: { Length: > 0 } name } => name,
        MessagePart { Message.Subject: { Length: > 0 } subject } => subject + ".eml",
        _ => string.Empty,
    };

    private static List<MailpitAddress> Addresses(InternetAddressList list) =>
        [.. list.Mailboxes.Select(m => new MailpitAddress(m.Name ?? string.Empty, m.Address))];

    private static string MakeSnippet(string text)
    {
        var collapsed = Whitespace().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        return collapsed.Length <= SnippetLength ? collapsed : collapsed[..SnippetLength];
    }

    [GeneratedRegex(@"<([^>]*)>")]
    private static partial Regex AngleBracketed();

    [GeneratedRegex(@"<style[^>]*>.*?</style>|<script[^>]*>.*?</script>|<[^>]+>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
