namespace SmtpFixture.Dkim;

/// <summary>Why a DKIM signature did not verify; <see cref="SmtpDkimResult.Reason"/> says it in words.</summary>
public enum SmtpDkimFailure
{
    /// <summary>The signature verified.</summary>
    None,

    /// <summary>The <c>DKIM-Signature</c> header field lacks a required tag or has a value that cannot be read.</summary>
    Malformed,

    /// <summary>No key is registered for the signature's selector and domain (in DNS terms: no record at <c>s._domainkey.d</c>).</summary>
    NoKey,

    /// <summary>The registered key is of another type than the signature's <c>a=</c> algorithm (an RSA key for Ed25519, or the reverse).</summary>
    KeyTypeMismatch,

    /// <summary>The RSA key is shorter than the verifier accepts (1024 bits, RFC 8301 §3.2).</summary>
    KeyTooShort,

    /// <summary>The signature algorithm is not accepted: <c>rsa-sha1</c> (RFC 8301 §3.1) or one the verifier does not know.</summary>
    AlgorithmDisabled,

    /// <summary>The <c>From</c> header field is not among the signed ones (<c>h=</c>), which RFC 6376 §5.4 requires.</summary>
    FromNotSigned,

    /// <summary>The signature's expiry time (<c>x=</c>) had passed when the message arrived.</summary>
    Expired,

    /// <summary>The body hash differs from <c>bh=</c>: the body was changed after signing.</summary>
    BodyHashMismatch,

    /// <summary>The body is intact but the signature does not match the signed header fields or the key.</summary>
    HeaderSignatureMismatch,
}
