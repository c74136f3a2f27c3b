using static SmtpFixture.Checks.SmtpViolationSeverity;

namespace SmtpFixture.Checks;

/// <summary>
/// Every rule the server checks, by id. The ids are a public contract: tests, the tool's JSON events and
/// <c>--check RULE=mode</c> name rules by them.
/// </summary>
public static class SmtpRules
{
    /// <summary>A bare CR or LF in a command or in content (RFC 5321 §2.3.8).</summary>
    public const string BareLineEnding = "bare-line-ending";

    /// <summary>A content line over 1,000 octets with its CRLF (RFC 5321 §4.5.3.1.6).</summary>
    public const string LineTooLong = "line-too-long";

    /// <summary>Octets of 0x80 and above in content sent without <c>BODY=8BITMIME</c> or <c>BINARYMIME</c> (RFC 6152 §3).</summary>
    public const string EightBitUndeclared = "8bit-undeclared";

    /// <summary>A non-ASCII address in MAIL or RCPT without <c>SMTPUTF8</c> (RFC 6531 §3.4).</summary>
    public const string Utf8Undeclared = "utf8-undeclared";

    /// <summary>DATA in a transaction declared <c>BODY=BINARYMIME</c> (RFC 3030 §3).</summary>
    public const string BinaryMimeWithData = "binarymime-with-data";

    /// <summary>More content sent than the <c>SIZE</c> parameter declared (RFC 1870 §6).</summary>
    public const string SizeUnderdeclared = "size-underdeclared";

    /// <summary>The client closed the connection without QUIT (RFC 5321 §4.1.1.10).</summary>
    public const string NoQuit = "no-quit";

    /// <summary>A command sent before the previous reply without PIPELINING, or after a group-ending command (RFC 2920 §3.1).</summary>
    public const string PipeliningNotOffered = "pipelining-not-offered";

    /// <summary>Bytes sent after STARTTLS before the TLS handshake (RFC 3207 §4.2).</summary>
    public const string PipelinedAfterStartTls = "pipelined-after-starttls";

    /// <summary>AUTH with a mechanism that sends the secret readable, without TLS (RFC 4954 §4, RFC 8314).</summary>
    public const string CleartextAuth = "cleartext-auth";

    /// <summary>An EHLO or HELO argument that is neither a domain nor an address literal (RFC 5321 §4.1.1.1).</summary>
    public const string HeloSyntax = "helo-syntax";

    /// <summary>MAIL or RCPT parameters in a session opened with HELO, where no extension was offered (RFC 5321 §2.2.1).</summary>
    public const string EsmtpAfterHelo = "esmtp-after-helo";

    /// <summary>The same sender and recipient tried again after a permanent (5xx) failure for it (RFC 5321 §4.2.1).</summary>
    public const string RetryAfterPermanentFailure = "retry-after-permanent-failure";

    /// <summary>No <c>Date</c> header field (RFC 5322 §3.6).</summary>
    public const string MissingDate = "missing-date";

    /// <summary>No <c>From</c> header field (RFC 5322 §3.6).</summary>
    public const string MissingFrom = "missing-from";

    /// <summary>No <c>Message-ID</c> header field (RFC 5322 §3.6.4).</summary>
    public const string MissingMessageId = "missing-message-id";

    /// <summary>A header field that RFC 5322 §3.6 allows once appears more than once.</summary>
    public const string DuplicateHeader = "duplicate-header";

    /// <summary>A <c>Bcc</c> header field in a message that also goes to recipients not named in it (RFC 5322 §3.6.3).</summary>
    public const string BccLeaked = "bcc-leaked";

    /// <summary>A header line over 998 characters (RFC 5322 §2.1.1).</summary>
    public const string HeaderLineTooLong = "header-line-too-long";

    /// <summary>Non-ASCII octets in the header without <c>SMTPUTF8</c> (RFC 6532 §3; RFC 2047 encodes them instead).</summary>
    public const string Raw8BitHeader = "raw-8bit-header";

    /// <summary>A <c>Date</c> that does not follow the date-time grammar (RFC 5322 §3.3).</summary>
    public const string MalformedDate = "malformed-date";

    /// <summary>A <c>From</c>, <c>To</c>, <c>Cc</c> or <c>Reply-To</c> that does not follow the address grammar (RFC 5322 §3.4).</summary>
    public const string MalformedAddress = "malformed-address";

    /// <summary>MIME header fields without <c>MIME-Version</c> (RFC 2045 §4).</summary>
    public const string MissingMimeVersion = "missing-mime-version";

    /// <summary>A multipart entity without a boundary parameter, without any part, or without its close delimiter (RFC 2046 §5.1.1).</summary>
    public const string BrokenMultipart = "broken-multipart";

    /// <summary>8-bit octets in a part declared 7bit, or base64 that is not base64 (RFC 2045 §6).</summary>
    public const string EncodingMismatch = "encoding-mismatch";

    /// <summary>An HTML body without a plain-text alternative (RFC 2046 §5.1.4).</summary>
    public const string HtmlWithoutText = "html-without-text";

    /// <summary>One-click unsubscription declared wrongly, or missing from a bulk message that offers unsubscription (RFC 8058 §3).</summary>
    public const string OneClickUnsubscribe = "one-click-unsubscribe";

    // Content refusals: 550 is what RFC 5321 §4.3.2 allows after the final dot for a message refused on policy, and
    // what large providers answer for non-compliant messages; X.6.0 (RFC 3463) because the content is at fault, not a
    // mailbox or the system.
    private static SmtpReply Content(string text) => new(550, "5.6.0", text);

    private static readonly SmtpRule[] Rules =
    [
        new(0, BareLineEnding, Error, "RFC 5321 §2.3.8", "Lines end with CRLF; a CR or LF on its own is not a line ending.", new SmtpReply(500, "5.5.2", "Bare CR or LF not allowed; lines end with CRLF"), false),
        new(1, LineTooLong, Error, "RFC 5321 §4.5.3.1.6", "A line of content is at most 1000 octets including its CRLF.", Content("Line too long; at most 1000 octets including CRLF"), false),
        new(2, EightBitUndeclared, Error, "RFC 6152 §3", "Octets of 0x80 and above need MAIL FROM:<…> BODY=8BITMIME.", Content("8-bit content requires BODY=8BITMIME"), false),
        new(3, Utf8Undeclared, Error, "RFC 6531 §3.4", "A non-ASCII address needs MAIL FROM:<…> SMTPUTF8.", new SmtpReply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8"), false),
        new(4, BinaryMimeWithData, Error, "RFC 3030 §3", "BODY=BINARYMIME content is sent with BDAT, never with DATA.", new SmtpReply(503, "5.5.1", "BODY=BINARYMIME requires BDAT, not DATA"), false),
        new(5, SizeUnderdeclared, Warning, "RFC 1870 §6", "The SIZE parameter should not be smaller than the message sent.", new SmtpReply(552, "5.3.4", "Message larger than the declared SIZE"), false),
        new(6, NoQuit, Error, "RFC 5321 §4.1.1.10", "A client sends QUIT before it closes the connection.", null, false),
        new(7, PipeliningNotOffered, Error, "RFC 2920 §3.1", "Without PIPELINING a client waits for each reply; with it, EHLO, DATA, STARTTLS, AUTH, QUIT and NOOP still end a group.", new SmtpReply(503, "5.5.0", "Improper use of SMTP command pipelining"), false),
        new(8, PipelinedAfterStartTls, Error, "RFC 3207 §4.2", "After STARTTLS a client sends nothing until the TLS handshake is done.", null, false),
        new(9, CleartextAuth, Warning, "RFC 4954 §4, RFC 8314 §3", "A password or token is sent only over TLS.", new SmtpReply(538, "5.7.11", "Encryption required for requested authentication mechanism"), false),
        new(10, HeloSyntax, Error, "RFC 5321 §4.1.1.1", "EHLO and HELO take the client's domain or an address literal such as [192.0.2.1].", new SmtpReply(501, "5.5.4", "Invalid domain or address literal"), false),
        new(11, EsmtpAfterHelo, Error, "RFC 5321 §2.2.1", "After HELO no extension is offered, so MAIL and RCPT take no parameters.", new SmtpReply(555, "5.5.4", "Parameters not allowed after HELO; use EHLO"), false),
        new(12, RetryAfterPermanentFailure, Warning, "RFC 5321 §4.2.1", "A request answered 5xx should not be repeated as it was.", null, false),
        new(13, MissingDate, Error, "RFC 5322 §3.6", "Every message has a Date header field.", Content("Message has no Date header field"), true),
        new(14, MissingFrom, Error, "RFC 5322 §3.6", "Every message has a From header field.", Content("Message has no From header field"), true),
        new(15, MissingMessageId, Warning, "RFC 5322 §3.6.4", "Every message should have a Message-ID header field.", Content("Message has no Message-ID header field"), true),
        new(16, DuplicateHeader, Error, "RFC 5322 §3.6", "Date, From, Sender, Reply-To, To, Cc, Bcc, Message-ID, In-Reply-To, References and Subject appear at most once.", Content("Header field appears more than once"), true),
        new(17, BccLeaked, Warning, "RFC 5322 §3.6.3", "A Bcc field goes only to the blind recipients; the others must not see it.", Content("Bcc header field sent to recipients not listed in it"), true),
        new(18, HeaderLineTooLong, Error, "RFC 5322 §2.1.1", "A header line is at most 998 characters; fold longer fields.", Content("Header line longer than 998 characters"), true),
        new(19, Raw8BitHeader, Error, "RFC 6532 §3", "Without SMTPUTF8, header fields are ASCII; encode other text as RFC 2047 encoded-words.", Content("Non-ASCII header requires SMTPUTF8"), true),
        new(20, MalformedDate, Error, "RFC 5322 §3.3", "Date reads like \"Mon, 7 Dec 2026 10:00:00 +0000\".", Content("Malformed Date header field"), true),
        new(21, MalformedAddress, Error, "RFC 5322 §3.4", "From, To, Cc and Reply-To hold addresses such as \"Name <user@example.com>\".", Content("Malformed address header field"), true),
        new(22, MissingMimeVersion, Error, "RFC 2045 §4", "A message with MIME header fields has MIME-Version: 1.0.", Content("MIME message without MIME-Version"), true),
        new(23, BrokenMultipart, Error, "RFC 2046 §5.1.1", "A multipart has a boundary parameter, parts delimited by it and a closing delimiter.", Content("Broken multipart structure"), true),
        new(24, EncodingMismatch, Error, "RFC 2045 §6", "A part's content matches its Content-Transfer-Encoding: 7bit is ASCII, base64 is base64.", Content("Content does not match its Content-Transfer-Encoding"), true),
        new(25, HtmlWithoutText, Info, "RFC 2046 §5.1.4", "An HTML body comes with a text/plain alternative in multipart/alternative.", Content("HTML body without a text alternative"), true),
        new(26, OneClickUnsubscribe, Warning, "RFC 8058 §3", "List-Unsubscribe-Post: List-Unsubscribe=One-Click goes with an https List-Unsubscribe; bulk mail offers both.", Content("One-click unsubscription missing or malformed"), true),
    ];

    /// <summary>Every rule, in a fixed order.</summary>
    public static IReadOnlyList<SmtpRule> All => Rules;

    /// <summary>The rule with the given id.</summary>
    /// <param name="id">A rule id such as <c>bare-line-ending</c> (case-insensitive).</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">No rule has this id; the message lists the ids.</exception>
    public static SmtpRule Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        foreach (var rule in Rules)
        {
            if (string.Equals(rule.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                return rule;
            }
        }

        throw new ArgumentException($"Unknown rule '{id}'. Rules: {string.Join(", ", Rules.Select(r => r.Id))}.", nameof(id));
    }
}
