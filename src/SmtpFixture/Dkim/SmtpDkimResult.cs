using MimeKit.Cryptography;

namespace SmtpFixture.Dkim;

/// <summary>The verdict on one <c>DKIM-Signature</c> header field of a received message.</summary>
public sealed class SmtpDkimResult
{
    internal SmtpDkimResult(string domain, string selector, DkimSignatureAlgorithm? algorithm, string? fromDomain, SmtpDkimFailure failure, string? reason)
    {
        Domain = domain;
        Selector = selector;
        Algorithm = algorithm;
        FromDomain = fromDomain;
        Failure = failure;
        Reason = reason;
    }

    /// <summary>The signing domain, the <c>d=</c> tag (empty when the header lacks it).</summary>
    public string Domain { get; }

    /// <summary>The selector, the <c>s=</c> tag (empty when the header lacks it).</summary>
    public string Selector { get; }

    /// <summary>The signature algorithm, the <c>a=</c> tag; <see langword="null"/> when it names none MimeKit knows.</summary>
    public DkimSignatureAlgorithm? Algorithm { get; }

    /// <summary>The domain of the message's single <c>From</c> address; <see langword="null"/> when <c>From</c> does not hold exactly one.</summary>
    public string? FromDomain { get; }

    /// <summary>Whether the signature verified with the registered key.</summary>
    public bool IsValid => Failure == SmtpDkimFailure.None;

    /// <summary>Why the signature did not verify, or <see cref="SmtpDkimFailure.None"/>.</summary>
    public SmtpDkimFailure Failure { get; }

    /// <summary>Why the signature did not verify, in words a developer can act on; <see langword="null"/> when it verified.</summary>
    public string? Reason { get; }

    /// <summary>
    /// Whether the signing domain aligns with the <c>From</c> domain as DMARC requires (RFC 7489 §3.1.1), regardless of
    /// <see cref="IsValid"/>. Relaxed alignment compares organisational domains, taken as the last two labels, or the
    /// last three under a few well-known two-label public suffixes such as <c>co.uk</c> (not the full Public Suffix List).
    /// </summary>
    /// <param name="alignment">Relaxed (the DMARC default) or strict.</param>
    /// <returns><see langword="true"/> when the domains align.</returns>
    public bool IsAligned(SmtpDkimAlignment alignment = SmtpDkimAlignment.Relaxed) =>
        FromDomain is not null && Domain.Length > 0 && OrganizationalDomain.Aligned(Domain, FromDomain, alignment == SmtpDkimAlignment.Strict);

    /// <summary>The domain, selector and verdict, e.g. <c>d=example.com s=s1: pass</c>.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => $"d={Domain} s={Selector}: " + (IsValid ? "pass" : "fail, " + Reason);
}
