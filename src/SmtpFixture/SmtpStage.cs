namespace SmtpFixture;

/// <summary>The point of an SMTP session at which a command was answered or a policy is consulted.</summary>
public enum SmtpStage
{
    /// <summary>The client has just connected; the server is about to send its greeting.</summary>
    Connect,

    /// <summary>EHLO or HELO.</summary>
    Helo,

    /// <summary>STARTTLS.</summary>
    StartTls,

    /// <summary>AUTH (RFC 4954).</summary>
    Auth,

    /// <summary>MAIL FROM.</summary>
    MailFrom,

    /// <summary>RCPT TO.</summary>
    RcptTo,

    /// <summary>DATA, or the first BDAT of a transaction.</summary>
    Data,

    /// <summary>The message content has been received; the server is about to give its final reply.</summary>
    EndOfMessage,

    /// <summary>Any other command: RSET, NOOP, VRFY, HELP, QUIT or one the server does not know.</summary>
    Other,
}
