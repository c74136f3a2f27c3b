using System.Text.Json.Serialization;

namespace SmtpFixture.Cli.Http;

// Mailpit's v1 JSON shapes (its swagger document and server/apiv1, internal/storage/structs.go), field for field, so
// that existing Mailpit API clients read this server unchanged. Mailpit names most fields in PascalCase and the list
// wrapper in snake_case; the attributes keep those names whatever the serializer's naming policy is.

/// <summary>A mailbox (name and address), as Go's <c>net/mail.Address</c> serializes it.</summary>
internal sealed record MailpitAddress(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Address")] string Address);

/// <summary>One message in a list: Mailpit's <c>MessageSummary</c>.</summary>
internal sealed record MailpitMessageSummary(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("MessageID")] string MessageId,
    [property: JsonPropertyName("Read")] bool Read,
    [property: JsonPropertyName("From")] MailpitAddress? From,
    [property: JsonPropertyName("To")] IReadOnlyList<MailpitAddress> To,
    [property: JsonPropertyName("Cc")] IReadOnlyList<MailpitAddress> Cc,
    [property: JsonPropertyName("Bcc")] IReadOnlyList<MailpitAddress> Bcc,
    [property: JsonPropertyName("ReplyTo")] IReadOnlyList<MailpitAddress> ReplyTo,
    [property: JsonPropertyName("Subject")] string Subject,
    [property: JsonPropertyName("Created")] DateTimeOffset Created,
    [property: JsonPropertyName("Username")] string Username,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("Attachments")] int Attachments,
    [property: JsonPropertyName("Snippet")] string Snippet);

/// <summary>A page of messages: Mailpit's <c>MessagesSummary</c> (list and search results).</summary>
internal sealed record MailpitMessagesSummary(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("unread")] int Unread,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("messages_count")] int MessagesCount,
    [property: JsonPropertyName("messages_unread")] int MessagesUnread,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("messages")] IReadOnlyList<MailpitMessageSummary> Messages);

/// <summary>File checksums of an attachment.</summary>
internal sealed record MailpitChecksums(
    [property: JsonPropertyName("MD5")] string Md5,
    [property: JsonPropertyName("SHA1")] string Sha1,
    [property: JsonPropertyName("SHA256")] string Sha256);

/// <summary>An attachment or inline part: Mailpit's <c>Attachment</c>; <c>PartID</c> addresses it in <c>/part/{PartID}</c>.</summary>
internal sealed record MailpitAttachment(
    [property: JsonPropertyName("PartID")] string PartId,
    [property: JsonPropertyName("FileName")] string FileName,
    [property: JsonPropertyName("ContentType")] string ContentType,
    [property: JsonPropertyName("ContentID")] string ContentId,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("Checksums")] MailpitChecksums Checksums);

/// <summary>The List-Unsubscribe summary of a message.</summary>
internal sealed record MailpitListUnsubscribe(
    [property: JsonPropertyName("Header")] string Header,
    [property: JsonPropertyName("Links")] IReadOnlyList<string> Links,
    [property: JsonPropertyName("Errors")] string Errors,
    [property: JsonPropertyName("HeaderPost")] string HeaderPost);

/// <summary>
/// One message with its bodies: Mailpit's <c>Message</c>, plus <c>Envelope</c> (ours): what MAIL FROM and RCPT TO
/// said, which a test of an SMTP client asserts on and which headers need not agree with.
/// </summary>
internal sealed record MailpitMessage(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("MessageID")] string MessageId,
    [property: JsonPropertyName("From")] MailpitAddress? From,
    [property: JsonPropertyName("To")] IReadOnlyList<MailpitAddress> To,
    [property: JsonPropertyName("Cc")] IReadOnlyList<MailpitAddress> Cc,
    [property: JsonPropertyName("Bcc")] IReadOnlyList<MailpitAddress> Bcc,
    [property: JsonPropertyName("ReplyTo")] IReadOnlyList<MailpitAddress> ReplyTo,
    [property: JsonPropertyName("ReturnPath")] string ReturnPath,
    [property: JsonPropertyName("Subject")] string Subject,
    [property: JsonPropertyName("ListUnsubscribe")] MailpitListUnsubscribe ListUnsubscribe,
    [property: JsonPropertyName("Date")] DateTimeOffset Date,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("Username")] string Username,
    [property: JsonPropertyName("Text")] string Text,
    [property: JsonPropertyName("HTML")] string Html,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("Inline")] IReadOnlyList<MailpitAttachment> Inline,
    [property: JsonPropertyName("Attachments")] IReadOnlyList<MailpitAttachment> Attachments,
    [property: JsonPropertyName("Envelope")] EnvelopeDto Envelope);

/// <summary>The SMTP envelope and session of a message (not in Mailpit).</summary>
internal sealed record EnvelopeDto(
    [property: JsonPropertyName("MailFrom")] string MailFrom,
    [property: JsonPropertyName("Recipients")] IReadOnlyList<string> Recipients,
    [property: JsonPropertyName("Client")] string Client,
    [property: JsonPropertyName("ClientName")] string? ClientName,
    [property: JsonPropertyName("Secure")] bool Secure,
    [property: JsonPropertyName("Session")] string Session);

/// <summary>The body of <c>DELETE /api/v1/messages</c>: the IDs to delete; none (or no body) deletes every message.</summary>
internal sealed record MailpitDeleteRequest([property: JsonPropertyName("IDs")] IReadOnlyList<string>? Ids);
