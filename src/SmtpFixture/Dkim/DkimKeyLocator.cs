using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace SmtpFixture.Dkim;

/// <summary>
/// MimeKit's key locator answering with a registered key instead of asking DNS. One locator per signature, holding the
/// key found for it, so a key replaced while verifying cannot make the verdict and its explanation disagree.
/// </summary>
internal sealed class DkimKeyLocator(SmtpDkimKey? key) : DkimPublicKeyLocatorBase
{
    /// <summary>The public key in a record, parsed by MimeKit, or <see langword="null"/> with MimeKit's reason.</summary>
    public static AsymmetricKeyParameter? Parse(string record, out string? error)
    {
        try
        {
            error = null;
            return GetPublicKey(record);
        }
        catch (Exception e) when (e is ParseException or FormatException or ArgumentException or InvalidOperationException)
        {
            error = e.Message;
            return null;
        }
    }

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        GetPublicKey((key ?? throw new InvalidOperationException("No DKIM key was found for this signature.")).PublicKeyRecord);

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}
