namespace SmtpFixture.Protocol;

/// <summary>The replies of STARTTLS (RFC 3207 §4) and AUTH (RFC 4954 §4, §6), with their enhanced codes (RFC 3463, RFC 5248).</summary>
internal static class SecurityReplies
{
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

    // The same replies as the RequireTls and RequireAuthentication policies give.
    public static readonly SmtpReply TlsRequired = SmtpReplies.TlsRequired;
    public static readonly SmtpReply AuthRequired = SmtpReplies.AuthenticationRequired;
}
