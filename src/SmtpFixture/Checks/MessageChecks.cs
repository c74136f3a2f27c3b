using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace SmtpFixture.Checks;

/// <summary>
/// The message-layer rules: what RFC 5322, RFC 2045/2046, RFC 6532 and RFC 8058 ask of the message itself. The header
/// section is read from the raw bytes (MimeKit repairs what it parses, which would hide what the sender did); the body
/// rules are in MessageChecks.Body.cs. Run lazily on first access, or before the final reply when a rule may
/// refuse the message.
/// </summary>
internal static partial class MessageChecks
{
    // RFC 5322 §3.6: the fields with a maximum of one occurrence (Resent-* blocks may repeat, so they are not here).
    private static readonly string[] OnceOnly = ["Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Message-ID", "In-Reply-To", "References", "Subject"];
    private static readonly string[] AddressFields = ["From", "Sender", "Reply-To", "To", "Cc"];

    private static readonly ParserOptions StrictAddresses = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    public static IReadOnlyList<SmtpViolation> Run(ReadOnlySpan<byte> data, SmtpEnvelope envelope, CheckSettings settings, string sessionId, string? messageId, Func<MimeMessage?> parse)
    {
        var found = new List<SmtpViolation>();
        void Add(SmtpRule rule, string location, string? excerpt, string? detail = null)
        {
            if (settings.IsOn(rule))
            {
                found.Add(new SmtpViolation(rule, SmtpStage.EndOfMessage, location, excerpt, sessionId, messageId, detail));
            }
        }

        var fields = ReadHeader(data, envelope.SmtpUtf8, Add, out var bodyStart);
        CheckFields(fields, envelope, Add);
        if (settings.IsOn(KnownRules.BrokenMultipart) || settings.IsOn(KnownRules.EncodingMismatch) || settings.IsOn(KnownRules.HtmlWithoutText))
        {
            if (bodyStart >= 0 && PlainTextEncoding(fields) is { } encoding)
            {
                CheckContent("text/plain", encoding, data[bodyStart..], Add);
            }
            else if (parse() is { } message)
            {
                CheckBody(message, data, Add);
            }
        }

        return found;
    }

    private sealed record Field(string Name, string Value, string FirstLine);

    private delegate void Report(SmtpRule rule, string location, string? excerpt, string? detail = null);

    /// <summary>
    /// Reads the header section line by line: long lines and raw 8-bit octets here, the unfolded fields for the rest;
    /// <paramref name="bodyStart"/> is where the body starts (after the empty line, or the end when there is none), or
    /// -1 when a line in the header section is not a field, which MimeKit may take for the start of the body.
    /// </summary>
    private static List<Field> ReadHeader(ReadOnlySpan<byte> data, bool smtpUtf8, Report add, out int bodyStart)
    {
        var length = data.Length;
        var wellFormed = true;
        var fields = new List<Field>();
        string? name = null;
        var value = new StringBuilder();
        var firstLine = string.Empty;
        var reported8Bit = false;
        var lineNumber = 0;
        while (data.Length > 0)
        {
            var lf = data.IndexOf((byte)'\n');
            var line = lf < 0 ? data : data[..lf];
            data = lf < 0 ? default : data[(lf + 1)..];
            lineNumber++;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                break;
            }

            var text = Encoding.UTF8.GetString(line);
            var continuation = line[0] is (byte)' ' or (byte)'\t';
            if (!continuation)
            {
                Flush();
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                name = colon > 0 ? text[..colon].TrimEnd() : null;
                wellFormed &= name is not null;
                firstLine = text;
                value.Clear().Append(colon > 0 ? text[(colon + 1)..] : string.Empty);
            }
            else
            {
                wellFormed &= name is not null;
                value.Append(text);
            }

            var where = name is null ? $"header line {lineNumber}" : "header " + name;
            if (line.Length > 998)
            {
                add(KnownRules.HeaderLineTooLong, where, text, $"Header line {lineNumber} is {line.Length} characters long; the limit is 998 (fold longer fields).");
            }

            if (!smtpUtf8 && !reported8Bit && !Ascii.IsValid(line))
            {
                reported8Bit = true;
                add(KnownRules.Raw8BitHeader, where, text, "Non-ASCII octets in the header of a message sent without SMTPUTF8; encode the text as RFC 2047 encoded-words.");
            }
        }

        Flush();
        bodyStart = wellFormed ? length - data.Length : -1;
        return fields;

        void Flush()
        {
            if (name is not null)
            {
                fields.Add(new Field(name, value.ToString(), firstLine));
                name = null;
            }
        }
    }

    private static void CheckFields(List<Field> fields, SmtpEnvelope envelope, Report add)
    {
        Field? Find(string name) => fields.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

        if (Find("Date") is not { } date)
        {
            add(KnownRules.MissingDate, "header", null);
        }
        else if (!IsDateTime(date.Value))
        {
            add(KnownRules.MalformedDate, "header Date", date.FirstLine, "The Date field does not follow the RFC 5322 date-time grammar, e.g. \"Mon, 7 Dec 2026 10:00:00 +0000\".");
        }

        if (Find("From") is null)
        {
            add(KnownRules.MissingFrom, "header", null);
        }

        if (Find("Message-ID") is null)
        {
            add(KnownRules.MissingMessageId, "header", null);
        }

        foreach (var name in OnceOnly)
        {
            var count = fields.Count(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (count > 1)
            {
                add(KnownRules.DuplicateHeader, "header " + name, Find(name)!.FirstLine, $"{name} appears {count} times; RFC 5322 §3.6 allows it once.");
            }
        }

        foreach (var name in AddressFields)
        {
            if (Find(name) is { } field && !IsAddressList(field.Value, mailboxesOnly: name is "From" or "Sender"))
            {
                add(KnownRules.MalformedAddress, "header " + name, field.FirstLine, $"{name} does not hold valid addresses (RFC 5322 §3.4), e.g. \"Name <user@example.com>\".");
            }
        }

        if (Find("Bcc") is { } bcc && InternetAddressList.TryParse(bcc.Value, out var blind))
        {
            var hidden = blind.Mailboxes.Select(m => m.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var exposed = envelope.Recipients.Where(a => !hidden.Contains(a)).ToArray();
            if (hidden.Count > 0 && exposed.Length > 0)
            {
                add(KnownRules.BccLeaked, "header Bcc", bcc.FirstLine, $"The Bcc field names {string.Join(", ", hidden)} and the message also goes to {string.Join(", ", exposed)}, who can read it.");
            }
        }

        var mime = Find("Content-Type") ?? Find("Content-Transfer-Encoding");
        if (mime is not null && Find("MIME-Version") is null)
        {
            add(KnownRules.MissingMimeVersion, "header " + mime.Name, mime.FirstLine);
        }

        CheckUnsubscribe(Find("List-Unsubscribe"), Find("List-Unsubscribe-Post"), Find("Precedence"), add);
    }

    private static void CheckUnsubscribe(Field? unsubscribe, Field? post, Field? precedence, Report add)
    {
        var hasHttps = unsubscribe is not null && unsubscribe.Value.Contains("<https://", StringComparison.OrdinalIgnoreCase);
        if (post is not null)
        {
            if (!string.Equals(post.Value.Trim(), "List-Unsubscribe=One-Click", StringComparison.Ordinal))
            {
                add(KnownRules.OneClickUnsubscribe, "header List-Unsubscribe-Post", post.FirstLine, "List-Unsubscribe-Post must be exactly \"List-Unsubscribe=One-Click\".");
            }
            else if (!hasHttps)
            {
                add(KnownRules.OneClickUnsubscribe, "header List-Unsubscribe-Post", post.FirstLine, "List-Unsubscribe-Post needs a List-Unsubscribe field with an https URI to post to.");
            }
        }
        else if (unsubscribe is not null && precedence?.Value.Trim().ToUpperInvariant() is "BULK" or "LIST" or "JUNK")
        {
            add(KnownRules.OneClickUnsubscribe, "header List-Unsubscribe", unsubscribe.FirstLine, "A bulk message offers List-Unsubscribe without List-Unsubscribe-Post: List-Unsubscribe=One-Click, which large mailbox providers require.");
        }
    }

    private static bool IsAddressList(string value, bool mailboxesOnly)
    {
        if (string.IsNullOrWhiteSpace(value) || !InternetAddressList.TryParse(StrictAddresses, value, out var list) || list.Count == 0)
        {
            return false;
        }

        return !mailboxesOnly || list.All(a => a is MailboxAddress);
    }

    /// <summary>RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 a receiver must accept (two-digit years, named zones).</summary>
    private static bool IsDateTime(string value)
    {
        var match = DateTimeGrammar().Match(value);
        if (!match.Success)
        {
            return false;
        }

        static int N(Group g) => g.Success ? int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        return N(match.Groups["day"]) is >= 1 and <= 31 && N(match.Groups["hour"]) <= 23 && N(match.Groups["minute"]) <= 59 && N(match.Groups["second"]) <= 60;
    }

    [GeneratedRegex(
        @"^[ \t]*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[ \t]*,[ \t]*)?(?<day>[0-9]{1,2})[ \t]+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[ \t]+[0-9]{2,4}[ \t]+(?<hour>[0-9]{2})[ \t]*:[ \t]*(?<minute>[0-9]{2})(?:[ \t]*:[ \t]*(?<second>[0-9]{2}))?[ \t]+(?:[+-][0-9]{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])[ \t]*(?:\([^()]*\)[ \t]*)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeGrammar();
}
