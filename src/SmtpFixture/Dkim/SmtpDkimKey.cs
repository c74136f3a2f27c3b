using System.Security.Cryptography;
using System.Text;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace SmtpFixture.Dkim;

/// <summary>
/// A DKIM key for tests (RFC 6376): the private key the application under test signs with, and the public key record
/// that DNS would publish at <c>selector._domainkey.domain</c>. Register it in <see cref="SmtpTestServerOptions.DkimKeys"/>
/// so that <see cref="ReceivedMessage.VerifyDkim"/> needs no DNS.
/// </summary>
public sealed class SmtpDkimKey
{
    private SmtpDkimKey(string domain, string selector, DkimSignatureAlgorithm algorithm, string publicKeyRecord, string? privateKeyPem)
    {
        Domain = domain;
        Selector = selector;
        Algorithm = algorithm;
        PublicKeyRecord = publicKeyRecord;
        PrivateKeyPem = privateKeyPem;
    }

    /// <summary>The signing domain, the <c>d=</c> tag of the signatures made with this key.</summary>
    public string Domain { get; }

    /// <summary>The selector, the <c>s=</c> tag of the signatures made with this key.</summary>
    public string Selector { get; }

    /// <summary>The signature algorithm the key is meant for: RSA-SHA256 (or RSA-SHA1) for RSA keys, Ed25519-SHA256 (RFC 8463) for Ed25519 keys.</summary>
    public DkimSignatureAlgorithm Algorithm { get; }

    /// <summary>The public key record, as the DNS TXT record would hold it: <c>v=DKIM1; k=rsa; p=…</c>.</summary>
    public string PublicKeyRecord { get; }

    /// <summary>The private key as PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>); <see langword="null"/> for a key registered by its public record only.</summary>
    public string? PrivateKeyPem { get; }

    /// <summary>The DNS name the public key record would be published at, <c>selector._domainkey.domain</c>.</summary>
    public string DnsName => Selector + "._domainkey." + Domain;

    /// <summary>
    /// Generates a new key pair: a 2048-bit RSA key for <see cref="DkimSignatureAlgorithm.RsaSha256"/> (the default) or
    /// <see cref="DkimSignatureAlgorithm.RsaSha1"/>, an Ed25519 key for <see cref="DkimSignatureAlgorithm.Ed25519Sha256"/>.
    /// </summary>
    /// <param name="domain">The signing domain (<c>d=</c>), e.g. <c>example.com</c>.</param>
    /// <param name="selector">The selector (<c>s=</c>), e.g. <c>s1</c>.</param>
    /// <param name="algorithm">The signature algorithm the key is for.</param>
    /// <returns>The key, with its private key PEM and its public key record.</returns>
    public static SmtpDkimKey Create(string domain, string selector, DkimSignatureAlgorithm algorithm = DkimSignatureAlgorithm.RsaSha256)
    {
        CheckName(domain, nameof(domain));
        CheckName(selector, nameof(selector));
        switch (algorithm)
        {
            case DkimSignatureAlgorithm.RsaSha256 or DkimSignatureAlgorithm.RsaSha1:
                using (var rsa = RSA.Create(2048))
                {
                    var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
                    return new SmtpDkimKey(domain, selector, algorithm, record, rsa.ExportPkcs8PrivateKeyPem());
                }

            case DkimSignatureAlgorithm.Ed25519Sha256:
                var generator = new Ed25519KeyPairGenerator();
                generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
                var pair = generator.GenerateKeyPair();

                // RFC 8463 §4.2: p= holds the bare 32-octet public key, not a SubjectPublicKeyInfo.
                var publicKey = ((Ed25519PublicKeyParameters)pair.Public).GetEncoded();
                var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded();
                var pem = new string(PemEncoding.Write("PRIVATE KEY", pkcs8));
                return new SmtpDkimKey(domain, selector, algorithm, "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(publicKey), pem);

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown DKIM signature algorithm.");
        }
    }

    /// <summary>
    /// A key known only by its public key record, as published in DNS: <c>v=DKIM1; k=rsa; p=…</c>. The record may also be
    /// given in zone-file form, as quoted strings (what <c>opendkim-genkey</c> writes to <c>selector.txt</c>).
    /// </summary>
    /// <param name="domain">The signing domain (<c>d=</c>).</param>
    /// <param name="selector">The selector (<c>s=</c>).</param>
    /// <param name="record">The public key record.</param>
    /// <returns>The key, without a private key.</returns>
    /// <exception cref="ArgumentException">The record holds no usable public key.</exception>
    public static SmtpDkimKey FromPublicKeyRecord(string domain, string selector, string record)
    {
        CheckName(domain, nameof(domain));
        CheckName(selector, nameof(selector));
        ArgumentException.ThrowIfNullOrWhiteSpace(record);
        record = Unquote(record);
        var key = DkimKeyLocator.Parse(record, out var error)
            ?? throw new ArgumentException($"Not a DKIM public key record ({error}): '{record}'.", nameof(record));
        var algorithm = key is Ed25519PublicKeyParameters ? DkimSignatureAlgorithm.Ed25519Sha256 : DkimSignatureAlgorithm.RsaSha256;
        return new SmtpDkimKey(domain, selector, algorithm, record, null);
    }

    /// <summary>A MimeKit signer with this key, its domain, selector and algorithm; canonicalisation is MimeKit's default, simple/simple.</summary>
    /// <returns>A new <see cref="DkimSigner"/>.</returns>
    /// <exception cref="InvalidOperationException">The key was registered by its public record only.</exception>
    public DkimSigner CreateSigner()
    {
        if (PrivateKeyPem is null)
        {
            throw new InvalidOperationException($"The key {DnsName} has no private key: it was registered by its public record.");
        }

        using var pem = new MemoryStream(Encoding.ASCII.GetBytes(PrivateKeyPem));
        return new DkimSigner(pem, Domain, Selector, Algorithm);
    }

    /// <summary>The DNS name and the key type, e.g. <c>s1._domainkey.example.com (RsaSha256)</c>.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{DnsName} ({Algorithm})";

    // A zone-file TXT value is one or more quoted strings that DNS joins without separators (RFC 6376 §3.6.2.2).
    private static string Unquote(string record)
    {
        if (!record.Contains('"', StringComparison.Ordinal))
        {
            return record.Trim();
        }

        var joined = new StringBuilder();
        var parts = record.Split('"');
        for (var i = 1; i < parts.Length; i += 2)
        {
            joined.Append(parts[i]);
        }

        return joined.ToString().Trim();
    }

    private static void CheckName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameter);
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                throw new ArgumentException($"'{name}' is not a DNS name: only letters, digits, '-', '_' and '.' are allowed.", parameter);
            }
        }
    }
}
