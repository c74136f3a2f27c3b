namespace SmtpFixture.Protocol;

/// <summary>
/// Where a session is in RFC 5321's command sequence (§4.1.4, §3.3). Message content (DATA, a BDAT chunk) and a SASL
/// exchange are input modes of their own and never see the command table.
/// </summary>
internal enum SessionState
{
    /// <summary>Greeted by the server; no EHLO or HELO yet (again none after STARTTLS, RFC 3207 §4.2).</summary>
    Connected,

    /// <summary>The greeting was a refusal (554, RFC 5321 §3.1): only QUIT is served.</summary>
    Refused,

    /// <summary>EHLO or HELO accepted; no transaction.</summary>
    Greeted,

    /// <summary>MAIL FROM accepted: a transaction is open, no recipient yet.</summary>
    MailGiven,

    /// <summary>At least one RCPT TO accepted.</summary>
    HasRecipients,

    /// <summary>A BDAT chunk (not LAST) has been accepted: the message continues with BDAT (RFC 3030 §2).</summary>
    Chunking,

    /// <summary>QUIT answered, a closing verdict, or a dropped connection: no more commands.</summary>
    Closed,
}

/// <summary>
/// The sequence rules, in one table: which commands a state refuses, and the one 503 (RFC 5321 §4.1.4) that names
/// what the client should send instead. Everything not listed here is allowed; its handler judges the arguments.
/// </summary>
internal static class SessionRules
{
    /// <summary>The refusal of <paramref name="verb"/> in <paramref name="state"/>, or <see langword="null"/> when it may proceed.</summary>
    public static SmtpReply? Refusal(SessionState state, SmtpVerb verb) => (state, verb) switch
    {
        (SessionState.Refused, not SmtpVerb.Quit) => Replies.NoServiceHere,
        (SessionState.Connected, SmtpVerb.Mail or SmtpVerb.Rcpt or SmtpVerb.Data or SmtpVerb.Bdat) => Replies.HeloFirst,
        (SessionState.Connected, SmtpVerb.Auth) => Replies.AuthNeedsEhlo,
        (SessionState.Greeted, SmtpVerb.Rcpt or SmtpVerb.Data or SmtpVerb.Bdat) => Replies.NeedMail,
        (SessionState.MailGiven or SessionState.HasRecipients or SessionState.Chunking, SmtpVerb.Mail) => Replies.NestedMail,
        (SessionState.MailGiven or SessionState.HasRecipients or SessionState.Chunking, SmtpVerb.Auth) => Replies.AuthInTransaction,
        (SessionState.MailGiven or SessionState.HasRecipients or SessionState.Chunking, SmtpVerb.StartTls) => Replies.StartTlsInTransaction,
        (SessionState.Chunking, SmtpVerb.Data) => Replies.DataAfterBdat,
        _ => null,
    };

    /// <summary>Whether a mail transaction is open (RFC 5321 §3.3).</summary>
    public static bool InTransaction(this SessionState state) =>
        state is SessionState.MailGiven or SessionState.HasRecipients or SessionState.Chunking;
}
