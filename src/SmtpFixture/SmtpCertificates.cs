using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpFixture;

/// <summary>Certificates for test servers, generated in memory: no files, no certificate store, no trust changes.</summary>
public static class SmtpCertificates
{
    private static readonly Lazy<X509Certificate2> LocalhostCertificate = new(CreateLocalhost, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// A self-signed ECDSA P-256 server certificate for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>, created the first
    /// time it is asked for and shared by every server of the process; trust it in a test client by its thumbprint.
    /// Do not dispose it.
    /// </summary>
    public static X509Certificate2 Localhost => LocalhostCertificate.Value;

    private static X509Certificate2 CreateLocalhost()
    {
        // ECDSA P-256: its key is generated in about a millisecond, where an RSA 2048 key took a second on a loaded CI machine.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, O=SmtpFixture", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // A day of slack for clock skew between the test and the client's idea of "now".
        var now = DateTimeOffset.UtcNow;
        var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        if (!OperatingSystem.IsWindows())
        {
            // On Linux (OpenSSL; verified, also after the ECDsa above is disposed) SslStream serves with the in-memory key as is.
            return created;
        }

        // SChannel cannot use the ephemeral key of a certificate fresh from CreateSelfSigned as a server: a round trip
        // through PKCS#12 gives it one it can use.
        using (created)
        {
            var pfx = created.Export(X509ContentType.Pkcs12);
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12(pfx, password: null, X509KeyStorageFlags.Exportable);
#else
            return new X509Certificate2(pfx, (string?)null, X509KeyStorageFlags.Exportable);
#endif
        }
    }
}
