namespace SmtpFixture;

/// <summary>
/// Ready-made replies that real mail servers give, with RFC 5321 codes and RFC 3463 enhanced codes, for scripts
/// and custom policies: <c>server.Script.OnRcptTo().Reply(SmtpReplies.MailboxBusy)</c>.
/// </summary>
public static class SmtpReplies
{
    /// <summary><c>250 2.0.0 OK</c>: accept, where a refusal would otherwise come.</summary>
    public static SmtpReply Ok { get; } = new(250, "2.0.0", "OK");

    /// <summary><c>421 4.3.2 Service not available, closing transmission channel</c>: send it with close, as RFC 5321 §3.8 requires.</summary>
    public static SmtpReply ServiceNotAvailable { get; } = new(421, "4.3.2", "Service not available, closing transmission channel");

    /// <summary><c>421 4.7.0 Rate limit exceeded, closing transmission channel</c>: the rate limit reply, sent before closing.</summary>
    public static SmtpReply RateLimitExceeded { get; } = new(421, "4.7.0", "Rate limit exceeded, closing transmission channel");

    /// <summary><c>450 4.7.0 Rate limit exceeded, try again later</c>: the rate limit reply of a server that keeps the connection open.</summary>
    public static SmtpReply RateLimitExceededTryLater { get; } = new(450, "4.7.0", "Rate limit exceeded, try again later");

    /// <summary><c>450 4.7.1 Greylisted, try again later</c>: the greylisting reply (RFC 6647).</summary>
    public static SmtpReply Greylisted { get; } = new(450, "4.7.1", "Greylisted, try again later");

    /// <summary><c>450 4.2.0 Mailbox busy, try again later</c>: a transient refusal of one recipient.</summary>
    public static SmtpReply MailboxBusy { get; } = new(450, "4.2.0", "Mailbox busy, try again later");

    /// <summary><c>451 4.3.0 Local error in processing</c>: a transient server-side failure.</summary>
    public static SmtpReply LocalError { get; } = new(451, "4.3.0", "Local error in processing");

    /// <summary><c>452 4.3.1 Insufficient system storage</c>: the server's disk is full; try later.</summary>
    public static SmtpReply InsufficientStorage { get; } = new(452, "4.3.1", "Insufficient system storage");

    /// <summary><c>452 4.5.3 Too many recipients</c>: refuses one RCPT TO over the limit; the client sends the rest in another transaction (RFC 5321 §4.5.3.1.10).</summary>
    public static SmtpReply TooManyRecipients { get; } = new(452, "4.5.3", "Too many recipients");

    /// <summary><c>530 5.7.0 Authentication required</c>: the client must AUTH first (RFC 4954 §6).</summary>
    public static SmtpReply AuthenticationRequired { get; } = new(530, "5.7.0", "Authentication required");

    /// <summary><c>530 5.7.0 Must issue a STARTTLS command first</c>: the client must use TLS first (RFC 3207 §4).</summary>
    public static SmtpReply TlsRequired { get; } = new(530, "5.7.0", "Must issue a STARTTLS command first");

    /// <summary><c>550 5.1.1 Recipient address rejected: User unknown</c>: no such mailbox.</summary>
    public static SmtpReply MailboxUnavailable { get; } = new(550, "5.1.1", "Recipient address rejected: User unknown");

    /// <summary><c>552 5.2.2 Mailbox full</c>: the recipient's quota is exceeded.</summary>
    public static SmtpReply MailboxFull { get; } = new(552, "5.2.2", "Mailbox full");

    /// <summary><c>552 5.3.4 Message size exceeds fixed maximum message size</c>: the message is too large (RFC 1870).</summary>
    public static SmtpReply MessageTooLarge { get; } = new(552, "5.3.4", "Message size exceeds fixed maximum message size");

    /// <summary><c>553 5.1.7 Bad sender address syntax</c>: the reverse-path is not an RFC 5321 mailbox.</summary>
    public static SmtpReply BadSenderAddressSyntax { get; } = new(553, "5.1.7", "Bad sender address syntax");

    /// <summary><c>553 5.1.3 Bad recipient address syntax</c>: the forward-path is not an RFC 5321 mailbox.</summary>
    public static SmtpReply BadRecipientAddressSyntax { get; } = new(553, "5.1.3", "Bad recipient address syntax");

    /// <summary><c>554 5.7.1 Message rejected as spam</c>: a content filter's permanent refusal at the end of the message.</summary>
    public static SmtpReply RejectedAsSpam { get; } = new(554, "5.7.1", "Message rejected as spam");

    /// <summary><c>554 5.0.0 Transaction failed</c>: a permanent failure with no more specific reason.</summary>
    public static SmtpReply TransactionFailed { get; } = new(554, "5.0.0", "Transaction failed");
}
