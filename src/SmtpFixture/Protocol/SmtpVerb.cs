namespace SmtpFixture.Protocol;

/// <summary>The commands of RFC 5321 §4.1.1 and of the extensions the server implements (RFC 3030, RFC 3207, RFC 4954).</summary>
internal enum SmtpVerb
{
    /// <summary>Not a command this server knows: <c>500 5.5.2</c>.</summary>
    Unknown,

    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    StartTls,
    Auth,

    /// <summary>A command RFC 5321 names but this server does not implement (EXPN, TURN, ETRN, …): <c>502 5.5.1</c>.</summary>
    NotImplemented,
}
