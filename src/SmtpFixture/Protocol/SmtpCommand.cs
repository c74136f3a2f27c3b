namespace SmtpFixture.Protocol;

/// <summary>
/// One command line, parsed: the verb, the text after it, and the line as it may be logged and recorded (AUTH
/// secrets redacted, RFC 4954 §4). A pure value: parsing needs no session.
/// </summary>
/// <param name="Verb">The command.</param>
/// <param name="Arguments">The text after the verb and its space, trimmed of spaces; empty when none.</param>
/// <param name="Text">The line for logs, attempts and policies: as received, except AUTH initial responses.</param>
internal readonly record struct SmtpCommand(SmtpVerb Verb, string Arguments, string Text)
{
    /// <summary>The stage the command is recorded and decided at.</summary>
    public SmtpStage Stage => StageOf(Verb);

    /// <summary>
    /// The reply to arguments the verb does not take (RFC 5321 §4.1.1: RSET, DATA, QUIT, and RFC 3207's STARTTLS have
    /// none), or <see langword="null"/> when the arguments are for the handler to judge.
    /// </summary>
    public SmtpReply? ArgumentProblem => Arguments.Length == 0 ? null : Verb switch
    {
        SmtpVerb.Rset => Replies.RsetSyntax,
        SmtpVerb.Data => Replies.DataSyntax,
        SmtpVerb.Quit => Replies.QuitSyntax,
        SmtpVerb.StartTls => Replies.StartTlsSyntax,
        _ => null,
    };

    /// <summary>Parses a command line (without its CRLF).</summary>
    public static SmtpCommand Parse(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? line : line[..space];
        var arguments = space < 0 ? string.Empty : line[(space + 1)..].Trim(' ');
        var verb = VerbOf(name);
        return new SmtpCommand(verb, arguments, verb == SmtpVerb.Auth ? Redact(line) : line);
    }

    private static SmtpVerb VerbOf(string name) => name.Length is < 4 or > 8 ? SmtpVerb.Unknown : name.ToUpperInvariant() switch
    {
        "HELO" => SmtpVerb.Helo,
        "EHLO" => SmtpVerb.Ehlo,
        "MAIL" => SmtpVerb.Mail,
        "RCPT" => SmtpVerb.Rcpt,
        "DATA" => SmtpVerb.Data,
        "BDAT" => SmtpVerb.Bdat,
        "RSET" => SmtpVerb.Rset,
        "NOOP" => SmtpVerb.Noop,
        "QUIT" => SmtpVerb.Quit,
        "VRFY" => SmtpVerb.Vrfy,
        "HELP" => SmtpVerb.Help,
        "STARTTLS" => SmtpVerb.StartTls,
        "AUTH" => SmtpVerb.Auth,
        "EXPN" or "TURN" or "ETRN" or "ATRN" or "SEND" or "SOML" or "SAML" => SmtpVerb.NotImplemented,
        _ => SmtpVerb.Unknown,
    };

    private static SmtpStage StageOf(SmtpVerb verb) => verb switch
    {
        SmtpVerb.Ehlo or SmtpVerb.Helo => SmtpStage.Helo,
        SmtpVerb.Mail => SmtpStage.MailFrom,
        SmtpVerb.Rcpt => SmtpStage.RcptTo,
        SmtpVerb.Data or SmtpVerb.Bdat => SmtpStage.Data,
        SmtpVerb.Auth => SmtpStage.Auth,
        SmtpVerb.StartTls => SmtpStage.StartTls,
        _ => SmtpStage.Other,
    };

    /// <summary>AUTH secrets never reach logs or attempts (RFC 4954 §4 initial responses carry credentials).</summary>
    private static string Redact(string line)
    {
        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 2 ? parts[0] + " " + parts[1] + " ***" : line;
    }
}
