using System.Globalization;

namespace SmtpFixture;

/// <summary>The SMTP envelope of a transaction: reverse-path, forward-paths and their parameters (RFC 5321 §2.3.1).</summary>
public sealed class SmtpEnvelope
{
    internal SmtpEnvelope(string mailFrom, SmtpParameters mailParameters, IReadOnlyList<SmtpRecipient> recipients)
    {
        MailFrom = mailFrom;
        MailParameters = mailParameters;
        RecipientDetails = recipients;
        Recipients = recipients.Select(r => r.Address).ToArray();
    }

    /// <summary>The reverse-path without angle brackets; empty for the null reverse-path <c>&lt;&gt;</c> used by bounces.</summary>
    public string MailFrom { get; }

    /// <summary>The parameters of MAIL FROM (SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH, …).</summary>
    public SmtpParameters MailParameters { get; }

    /// <summary>The accepted forward-paths, in the order given; Bcc recipients appear here and not in the headers.</summary>
    public IReadOnlyList<string> Recipients { get; }

    /// <summary>The accepted forward-paths with their RCPT TO parameters.</summary>
    public IReadOnlyList<SmtpRecipient> RecipientDetails { get; }

    /// <summary>The declared SIZE (RFC 1870), or <see langword="null"/>.</summary>
    public long? DeclaredSize =>
        MailParameters.TryGetValue("SIZE", out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;

    /// <summary>The BODY type (<c>7BIT</c>, <c>8BITMIME</c>, <c>BINARYMIME</c>), or <see langword="null"/> if not given.</summary>
    public string? Body => MailParameters.TryGetValue("BODY", out var v) ? v?.ToUpperInvariant() : null;

    /// <summary>Whether MAIL FROM carried the SMTPUTF8 parameter (RFC 6531).</summary>
    public bool SmtpUtf8 => MailParameters.ContainsKey("SMTPUTF8");

    /// <summary>Whether MAIL FROM carried the REQUIRETLS parameter (RFC 8689): the sender asks that the message travel only over TLS.</summary>
    public bool RequireTls => MailParameters.ContainsKey("REQUIRETLS");

    /// <summary>The RFC 3461 RET value (<c>FULL</c> or <c>HDRS</c>), or <see langword="null"/>.</summary>
    public string? Ret => MailParameters.TryGetValue("RET", out var v) ? v : null;

    /// <summary>The RFC 3461 ENVID value (still xtext-encoded), or <see langword="null"/>.</summary>
    public string? EnvelopeId => MailParameters.TryGetValue("ENVID", out var v) ? v : null;

    /// <summary>The envelope in a compact form: <c>&lt;from&gt; -&gt; &lt;to1&gt;, &lt;to2&gt;</c>.</summary>
    public override string ToString() => $"<{MailFrom}> -> {string.Join(", ", Recipients.Select(r => "<" + r + ">"))}";
}
