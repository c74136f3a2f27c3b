namespace SmtpFixture.Protocol;

/// <summary>
/// One SMTP service extension (RFC 1869, RFC 5321 §2.2): the keyword EHLO advertises, the option that hides it, the
/// command it adds, its MAIL FROM and RCPT TO parameters, how much longer those commands may then be, and its HELP
/// entry. <see cref="EsmtpExtensions.All"/> holds the rows; EHLO, HELP, parameter checks and line limits read them.
/// </summary>
internal sealed record EsmtpExtension(string Keyword)
{
    /// <summary>Whether the options switch the extension on (its <c>Advertise…</c> option, or what it needs: TLS, users).</summary>
    public Func<SmtpTestServerOptions, bool> IsEnabled { get; init; } = static _ => true;

    /// <summary>The EHLO line in a session state (keyword and arguments), or <see langword="null"/> to leave it out there; by default the keyword.</summary>
    public Func<EsmtpScope, string?>? EhloLine { get; init; }

    /// <summary>The command the extension adds: answered 502 while the extension is off.</summary>
    public SmtpVerb? Verb { get; init; }

    /// <summary>The HELP entry: the verb listed, and the core verb it follows (<see langword="null"/>: at the end).</summary>
    public (string Verb, string? After)? Help { get; init; }

    public IReadOnlyList<EsmtpParameter> MailParameters { get; init; } = [];

    public IReadOnlyList<EsmtpParameter> RcptParameters { get; init; } = [];

    /// <summary>How many octets the extension's parameters may add to a MAIL or RCPT line (RFC 5321 §4.5.3.1.4; each extension's RFC says).</summary>
    public int LineAllowance { get; init; }

    /// <summary>The EHLO line for <paramref name="scope"/>, or <see langword="null"/> when not advertised in it.</summary>
    public string? EhloLineIn(EsmtpScope scope) =>
        !IsEnabled(scope.Options) ? null : EhloLine is null ? Keyword : EhloLine(scope);
}

/// <summary>
/// A MAIL FROM or RCPT TO parameter (RFC 5321 §4.1.2 <c>esmtp-param</c>) and its check: <see langword="null"/> when
/// the value is acceptable, else the refusal (501 for bad syntax, 555 for what is not offered, 552 for SIZE).
/// </summary>
/// <param name="Name">The keyword, upper case.</param>
/// <param name="Check">Judges the value (<see langword="null"/> when the parameter has none) in a session state.</param>
/// <param name="EvenWhenHidden">Whether the parameter is accepted while its extension is off (BODY=7BIT, AUTH=, as today).</param>
internal sealed record EsmtpParameter(string Name, Func<string?, EsmtpScope, SmtpReply?> Check, bool EvenWhenHidden = false);

/// <summary>What an extension's rows are judged against: the options, TLS and AUTH, and the session's state.</summary>
internal readonly record struct EsmtpScope(SmtpTestServerOptions Options, SmtpSecurity Security, bool IsSecure, bool IsAuthenticated);
