using System.Globalization;

namespace SmtpFixture.Protocol;

/// <summary>
/// The extensions the server implements, in the order EHLO lists them. Adding one is adding a row here (and, when it
/// can be hidden, an <c>Advertise…</c> option): EHLO, HELP, the MAIL/RCPT parameter checks and the line limit follow.
/// </summary>
internal static class EsmtpExtensions
{
    public static readonly IReadOnlyList<EsmtpExtension> All =
    [
        // RFC 1870: SIZE, with the limit when there is one.
        new("SIZE")
        {
            IsEnabled = static o => o.AdvertiseSize,
            EhloLine = static s => s.Options.MaxMessageSize > 0 ? "SIZE " + s.Options.MaxMessageSize.ToString(CultureInfo.InvariantCulture) : "SIZE",
            MailParameters = [new("SIZE", CheckSize)],
            LineAllowance = 26,
        },
        new("PIPELINING") { IsEnabled = static o => o.AdvertisePipelining },

        // RFC 6152. BODY=7BIT is accepted even with 8BITMIME hidden; BINARYMIME needs its own extension (RFC 3030).
        new("8BITMIME")
        {
            IsEnabled = static o => o.Advertise8BitMime,
            MailParameters = [new("BODY", CheckBody, EvenWhenHidden: true)],
            LineAllowance = 16,
        },

        // RFC 6531 §3.4: SMTPUTF8 takes no value.
        new("SMTPUTF8")
        {
            IsEnabled = static o => o.AdvertiseSmtpUtf8,
            MailParameters = [new("SMTPUTF8", NoValue)],
            LineAllowance = 10,
        },
        new("ENHANCEDSTATUSCODES") { IsEnabled = static o => o.AdvertiseEnhancedStatusCodes },
        new("CHUNKING") { IsEnabled = static o => o.AdvertiseChunking, Verb = SmtpVerb.Bdat, Help = ("BDAT", "DATA") },
        new("BINARYMIME") { IsEnabled = static o => o.AdvertiseChunking && o.AdvertiseBinaryMime },

        // RFC 3461 §4: RET and ENVID lengthen MAIL by 100, NOTIFY and ORCPT lengthen RCPT by 500.
        new("DSN")
        {
            IsEnabled = static o => o.AdvertiseDsn,
            MailParameters = [new("RET", CheckRet), new("ENVID", AnyValue)],
            RcptParameters = [new("NOTIFY", CheckNotify), new("ORCPT", CheckOrcpt)],
            LineAllowance = 600,
        },

        // RFC 3207 §4.2: not offered again once TLS is active; over implicit TLS the verb is answered 503, not 502.
        new("STARTTLS")
        {
            IsEnabled = static o => o.Tls != SmtpTlsMode.None,
            EhloLine = static s => s.Security.Mode == SmtpTlsMode.StartTls && !s.IsSecure ? "STARTTLS" : null,
            Verb = SmtpVerb.StartTls,
            Help = ("STARTTLS", null),
        },

        // RFC 4954: the mechanisms usable now; not offered again once authenticated (§4: a second AUTH gets 503).
        // AUTH=<mailbox> on MAIL FROM (§5) is accepted and recorded even when AUTH is off, as before.
        new("AUTH")
        {
            IsEnabled = static o => o.AuthenticationEnabled,
            EhloLine = static s => !s.IsAuthenticated && string.Join(' ', s.Security.Advertised(s.IsSecure)) is { Length: > 0 } m ? "AUTH " + m : null,
            Verb = SmtpVerb.Auth,
            Help = ("AUTH", null),
            MailParameters = [new("AUTH", AnyValue, EvenWhenHidden: true)],
            LineAllowance = 500,
        },

        // RFC 8689: offered only over TLS; MAIL FROM's REQUIRETLS is recorded in the envelope, refused (555) without TLS.
        new("REQUIRETLS")
        {
            IsEnabled = static o => o.AdvertiseRequireTls && o.Tls != SmtpTlsMode.None,
            EhloLine = static s => s.IsSecure ? "REQUIRETLS" : null,
            MailParameters = [new("REQUIRETLS", static (value, s) => !s.IsSecure ? Replies.UnsupportedParameter : NoValue(value, s))],
            LineAllowance = 11,
        },
        new("HELP"),
    ];

    private static readonly string[] CoreHelp = ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "HELP"];

    /// <summary>The EHLO reply (RFC 5321 §4.1.1.1): the greeting line, then one line per extension offered in this state.</summary>
    public static SmtpReply EhloReply(EsmtpScope scope)
    {
        var lines = new List<string> { scope.Options.ServerName + " greets you" };
        foreach (var extension in All)
        {
            if (extension.EhloLineIn(scope) is { } line)
            {
                lines.Add(line);
            }
        }

        return new SmtpReply(250, null, [.. lines]);
    }

    /// <summary>The HELP reply: the core commands and those of the extensions EHLO offers in this state.</summary>
    public static SmtpReply HelpReply(EsmtpScope scope)
    {
        var verbs = CoreHelp.ToList();
        foreach (var extension in All)
        {
            if (extension.Help is var (verb, after) && extension.EhloLineIn(scope) is not null)
            {
                verbs.Insert(after is null ? verbs.Count : verbs.IndexOf(after) + 1, verb);
            }
        }

        return new SmtpReply(214, "2.0.0", "Commands: " + string.Join(' ', verbs), "See RFC 5321");
    }

    /// <summary>Whether <paramref name="verb"/> is served: a verb an extension adds is answered 502 while it is off.</summary>
    public static bool Offers(SmtpTestServerOptions options, SmtpVerb verb)
    {
        foreach (var extension in All)
        {
            if (extension.Verb == verb)
            {
                return extension.IsEnabled(options);
            }
        }

        return true;
    }

    /// <summary>How much longer than the command line limit MAIL and RCPT may be: the sum of the enabled extensions' allowances.</summary>
    public static int LineAllowance(SmtpTestServerOptions options) =>
        All.Where(e => e.IsEnabled(options) || e.MailParameters.Any(p => p.EvenWhenHidden)).Sum(e => e.LineAllowance);

    /// <summary>Checks MAIL FROM (<paramref name="rcpt"/> false) or RCPT TO parameters; the first problem, or <see langword="null"/>.</summary>
    public static SmtpReply? Check(SmtpParameters parameters, bool rcpt, EsmtpScope scope)
    {
        foreach (var (key, value) in parameters)
        {
            var problem = Find(key, rcpt, scope.Options) is { } parameter ? parameter.Check(value, scope) : Replies.UnsupportedParameter;
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static EsmtpParameter? Find(string key, bool rcpt, SmtpTestServerOptions options)
    {
        foreach (var extension in All)
        {
            foreach (var parameter in rcpt ? extension.RcptParameters : extension.MailParameters)
            {
                if (string.Equals(parameter.Name, key, StringComparison.OrdinalIgnoreCase) && (parameter.EvenWhenHidden || extension.IsEnabled(options)))
                {
                    return parameter;
                }
            }
        }

        return null;
    }

    private static SmtpReply? NoValue(string? value, EsmtpScope scope) => value is null ? null : Replies.ParameterSyntax;

    private static SmtpReply? AnyValue(string? value, EsmtpScope scope) => value is null ? Replies.ParameterSyntax : null;

    // Only the syntax: a size over the limit is the MaxMessageSize policy's (552, RFC 1870 §6.1), run with the others.
    private static SmtpReply? CheckSize(string? value, EsmtpScope scope) =>
        value is null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? Replies.ParameterSyntax : null;

    private static SmtpReply? CheckBody(string? value, EsmtpScope scope)
    {
        var o = scope.Options;
        bool? supported = value?.ToUpperInvariant() switch
        {
            "7BIT" => true,
            "8BITMIME" => o.Advertise8BitMime,
            "BINARYMIME" => o.AdvertiseChunking && o.AdvertiseBinaryMime,
            _ => null,
        };
        return supported switch
        {
            null => Replies.ParameterSyntax,
            false => Replies.UnsupportedParameter,
            true => null,
        };
    }

    private static SmtpReply? CheckRet(string? value, EsmtpScope scope) =>
        string.Equals(value, "FULL", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "HDRS", StringComparison.OrdinalIgnoreCase) ? null : Replies.ParameterSyntax;

    private static SmtpReply? CheckNotify(string? value, EsmtpScope scope)
    {
        var items = (value ?? string.Empty).ToUpperInvariant().Split(',');
        var valid = items is ["NEVER"] || (items.Length > 0 && items.All(i => i is "SUCCESS" or "FAILURE" or "DELAY") && items.Distinct().Count() == items.Length);
        return valid ? null : Replies.ParameterSyntax;
    }

    private static SmtpReply? CheckOrcpt(string? value, EsmtpScope scope) =>
        value is null || value.IndexOf(';', StringComparison.Ordinal) <= 0 ? Replies.ParameterSyntax : null;
}
