using System.Security.Cryptography;
using System.Text;

namespace SmtpFixture;

/// <summary>
/// What a client presented with AUTH (RFC 4954), for <see cref="SmtpTestServerOptions.ValidateCredentials"/>. Check a
/// secret with <see cref="Matches"/>: it works for every mechanism, including CRAM-MD5, which never sends the password.
/// </summary>
public sealed class SmtpCredentials
{
    private readonly string? _challenge;
    private readonly string? _digest;

    private SmtpCredentials(string mechanism, string userName)
    {
        Mechanism = mechanism;
        UserName = userName;
    }

    /// <summary>The SASL mechanism: <c>PLAIN</c>, <c>LOGIN</c>, <c>CRAM-MD5</c> or <c>XOAUTH2</c>.</summary>
    public string Mechanism { get; }

    /// <summary>The authentication identity: the user name the client logs in as.</summary>
    public string UserName { get; }

    /// <summary>The identity to act as, when a PLAIN client sent one different from <see cref="UserName"/> (RFC 4616); otherwise <see langword="null"/>.</summary>
    public string? AuthorizationIdentity { get; private init; }

    /// <summary>The password, for PLAIN and LOGIN; <see langword="null"/> for CRAM-MD5 (the client sends a digest) and XOAUTH2.</summary>
    public string? Password { get; private init; }

    /// <summary>The OAuth 2.0 bearer token, for XOAUTH2; otherwise <see langword="null"/>.</summary>
    public string? Token { get; private init; }

    /// <summary>
    /// Whether the client proved it knows <paramref name="secret"/>: the password for PLAIN, LOGIN and CRAM-MD5 (by
    /// recomputing the keyed digest of the challenge, RFC 2195), the bearer token for XOAUTH2.
    /// </summary>
    /// <param name="secret">The expected password or token.</param>
    public bool Matches(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (_digest is not null)
        {
#pragma warning disable CA5351 // CRAM-MD5 is defined with HMAC-MD5 (RFC 2195); the test server only verifies it.
            var expected = Convert.ToHexString(HMACMD5.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(_challenge!)));
#pragma warning restore CA5351
            return FixedTimeEquals(expected, _digest.ToUpperInvariant());
        }

        var presented = Password ?? Token;
        return presented is not null && FixedTimeEquals(presented, secret);
    }

    /// <summary>The mechanism and user name; never the secret.</summary>
    public override string ToString() => Mechanism + " " + UserName;

    internal static SmtpCredentials ForPassword(string mechanism, string userName, string password, string? authorizationIdentity = null) =>
        new(mechanism, userName) { Password = password, AuthorizationIdentity = authorizationIdentity };

    internal static SmtpCredentials ForToken(string mechanism, string userName, string token) =>
        new(mechanism, userName) { Token = token };

    internal static SmtpCredentials ForDigest(string mechanism, string userName, string challenge, string hexDigest) =>
        new(mechanism, userName, challenge, hexDigest);

    private SmtpCredentials(string mechanism, string userName, string challenge, string digest)
        : this(mechanism, userName)
    {
        _challenge = challenge;
        _digest = digest;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
