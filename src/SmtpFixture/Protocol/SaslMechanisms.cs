namespace SmtpFixture.Protocol;

/// <summary>The SASL mechanisms the server implements for AUTH (RFC 4954).</summary>
internal static class SaslMechanisms
{
    public const string Plain = "PLAIN";
    public const string Login = "LOGIN";
    public const string CramMd5 = "CRAM-MD5";
    public const string XOAuth2 = "XOAUTH2";

    public static bool IsSupported(string? mechanism) =>
        mechanism is not null && Normalize(mechanism) is Plain or Login or CramMd5 or XOAuth2;

    /// <summary>
    /// Whether the secret crosses the wire readable: PLAIN and LOGIN carry the password, XOAUTH2 a bearer token
    /// (RFC 4954 §4 and RFC 7628 §5 both call for TLS). CRAM-MD5 sends only a keyed digest.
    /// </summary>
    public static bool IsClearText(string mechanism) => mechanism is Plain or Login or XOAuth2;

    public static string Normalize(string mechanism) => mechanism.Trim().ToUpperInvariant();
}
