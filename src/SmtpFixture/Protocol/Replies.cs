namespace SmtpFixture.Protocol;

/// <summary>
/// The server's own replies, in one catalogue, shared so that each is encoded once (RFC 5321 §4.2, RFC 3463 codes).
/// Those a user may also give (through a script or a policy) are <see cref="SmtpReplies"/>' and only referenced here.
/// </summary>
internal static class Replies
{
    public static readonly SmtpReply Ok = SmtpReplies.Ok;
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Sender OK");
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Recipient OK");
    public static readonly SmtpReply StartMailInput = new(354, null, "Start mail input; end with <CRLF>.<CRLF>");
    public static readonly SmtpReply Vrfy = new(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");

    public static readonly SmtpReply ShuttingDown = new(421, "4.3.2", "Service shutting down, closing transmission channel");
    public static readonly SmtpReply TooManySessions = new(421, "4.3.2", "Too many connections, try again later");
    public static readonly SmtpReply IdleTimeout = new(421, "4.4.2", "Idle timeout, closing transmission channel");
    public static readonly SmtpReply DataTimeout = new(421, "4.4.2", "Timeout waiting for message content, closing transmission channel");
    public static readonly SmtpReply TooManyErrors = new(421, "4.7.0", "Too many errors, closing transmission channel");
    public static readonly SmtpReply PolicyFailed = new(451, "4.3.0", "Local error in processing (policy failure)");

    public static readonly SmtpReply Unrecognized = new(500, "5.5.2", "Command unrecognized");
    public static readonly SmtpReply LineTooLong = new(500, "5.5.6", "Command line too long");
    public static readonly SmtpReply BareLineEnding = new(500, "5.5.2", "Bare CR or LF not allowed; lines end with CRLF");
    public static readonly SmtpReply NulInCommand = new(500, "5.5.2", "NUL characters not allowed in commands");
    public static readonly SmtpReply EhloSyntax = new(501, "5.5.4", "Syntax: EHLO domain-or-address-literal");
    public static readonly SmtpReply HeloSyntax = new(501, "5.5.4", "Syntax: HELO domain");
    public static readonly SmtpReply MailSyntax = new(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    public static readonly SmtpReply RcptSyntax = new(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
    public static readonly SmtpReply DataSyntax = new(501, "5.5.4", "Syntax: DATA (no arguments)");
    public static readonly SmtpReply RsetSyntax = new(501, "5.5.4", "Syntax: RSET (no arguments)");
    public static readonly SmtpReply QuitSyntax = new(501, "5.5.4", "Syntax: QUIT (no arguments)");
    public static readonly SmtpReply BdatSyntax = new(501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");
    public static readonly SmtpReply VrfySyntax = new(501, "5.5.4", "Syntax: VRFY string");
    public static readonly SmtpReply ParameterSyntax = new(501, "5.5.4", "Malformed or repeated parameter");
    // RFC 6531 §3.3 allows only valid UTF-8 (RFC 3629); 5.5.2 as for other bytes a command may not carry (NUL, bare CR).
    public static readonly SmtpReply InvalidUtf8 = new(501, "5.5.2", "Invalid UTF-8 not allowed in commands");
    public static readonly SmtpReply NonAsciiCommand = new(501, "5.5.2", "Non-ASCII characters not allowed here");
    public static readonly SmtpReply NotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly SmtpReply HeloFirst = new(503, "5.5.1", "Send EHLO or HELO first");
    public static readonly SmtpReply NestedMail = new(503, "5.5.1", "Sender already given; send RCPT TO, or RSET to start over");
    public static readonly SmtpReply NeedMail = new(503, "5.5.1", "Need MAIL before this command");
    public static readonly SmtpReply NoServiceHere = new(503, "5.5.1", "Service was refused at connect; send QUIT");
    public static readonly SmtpReply DataAfterBdat = new(503, "5.5.1", "DATA not allowed after BDAT in the same transaction; send BDAT, or RSET to start over");
    public static readonly SmtpReply BinaryMimeNeedsBdat = new(503, "5.5.1", "BODY=BINARYMIME requires BDAT, not DATA");
    public static readonly SmtpReply NoValidRecipients = new(554, "5.5.1", "No valid recipients");
    public static readonly SmtpReply BadSenderAddress = SmtpReplies.BadSenderAddressSyntax;
    public static readonly SmtpReply BadRecipientAddress = SmtpReplies.BadRecipientAddressSyntax;
    public static readonly SmtpReply NonAsciiAddress = new(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
    public static readonly SmtpReply UnsupportedParameter = new(555, "5.5.4", "Parameter not recognized or not implemented");
    public static readonly SmtpReply BareLineEndingInData = new(500, "5.5.2", "Bare CR or LF in message content not allowed");

    // STARTTLS (RFC 3207 §4) and AUTH (RFC 4954 §4, §6).
    public static readonly SmtpReply ReadyToStartTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpReply TlsAlreadyActive = new(503, "5.5.1", "TLS already active");
    public static readonly SmtpReply StartTlsSyntax = new(501, "5.5.4", "Syntax: STARTTLS (no parameters allowed)");
    public static readonly SmtpReply StartTlsInTransaction = new(503, "5.5.1", "STARTTLS not permitted during a mail transaction; send RSET first");

    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication successful");
    public static readonly SmtpReply AuthNeedsEhlo = new(503, "5.5.1", "Send EHLO first");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpReply AuthInTransaction = new(503, "5.5.1", "AUTH not permitted during a mail transaction; send RSET first");
    public static readonly SmtpReply AuthSyntax = new(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication type");
    public static readonly SmtpReply EncryptionRequired = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    // RFC 4954 §6 reserves 501 5.7.0 for an initial response to a mechanism in which the server speaks first.
    public static readonly SmtpReply InitialResponseNotAllowed = new(501, "5.7.0", "Client initiated Authentication Exchange");
    public static readonly SmtpReply CannotDecode = new(501, "5.5.2", "Cannot Base64-decode client response");
    public static readonly SmtpReply MalformedResponse = new(501, "5.5.2", "Malformed authentication response");
    // RFC 4954 §4 asks for 501 when the client answers "*"; with 5.7.0 taken (above), 5.0.0 as Sendmail answers.
    public static readonly SmtpReply Cancelled = new(501, "5.0.0", "Authentication cancelled");
    public static readonly SmtpReply AuthLineTooLong = new(500, "5.5.6", "Authentication exchange line is too long");
    public static readonly SmtpReply InvalidCredentials = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly SmtpReply TemporaryAuthFailure = new(454, "4.7.0", "Temporary authentication failure");

    public static SmtpReply Queued(string id) => SmtpReply.Trusted(250, "2.0.0", "OK queued as " + id);

    public static SmtpReply ChunkReceived(long size) => SmtpReply.Trusted(250, "2.0.0", FormattableString.Invariant($"{size} octets received"));

    public static SmtpReply Closing(string serverName) => new(221, "2.0.0", serverName + " closing connection");
}
