namespace SmtpFixture.Dkim;

/// <summary>How the DKIM signing domain must match the <c>From</c> domain for DMARC (RFC 7489 §3.1.1).</summary>
public enum SmtpDkimAlignment
{
    /// <summary>The same organisational domain: <c>mail.example.com</c> aligns with <c>example.com</c> (DMARC's default, <c>adkim=r</c>).</summary>
    Relaxed,

    /// <summary>The very same domain, compared without case (<c>adkim=s</c>).</summary>
    Strict,
}
