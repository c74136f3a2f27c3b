using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SmtpFixture.Tests.Support;

/// <summary>Client-side trust for tests: exactly the server's certificate, compared by thumbprint.</summary>
internal static class TestCertificates
{
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 certificate) =>
        (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.Thumbprint;
}
