namespace SmtpFixture;

/// <summary>Whether and how a server offers TLS.</summary>
public enum SmtpTlsMode
{
    /// <summary>No TLS: STARTTLS is not advertised and answered <c>502 5.5.1</c>.</summary>
    None,

    /// <summary>Plaintext first; EHLO advertises STARTTLS and the client upgrades the connection (RFC 3207, submission on port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte: the handshake happens before the greeting (RFC 8314, submissions on port 465).</summary>
    Implicit,
}
