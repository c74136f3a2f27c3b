using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace SmtpFixture.Dkim;

/// <summary>
/// Verifies each <c>DKIM-Signature</c> of a received message with the registered keys. A signature passes when the
/// body hash of the raw bytes as received matches <c>bh=</c> and MimeKit's <see cref="DkimVerifier"/> accepts it (over
/// the message parsed from those bytes, whose header fields keep their raw values). The checks before the cryptography
/// and the separate body hash say which part failed, where MimeKit only answers false.
/// </summary>
internal static class DkimVerification
{
    // MimeKit's defaults: which algorithms are enabled (not rsa-sha1) and the shortest RSA key accepted. Only read.
    private static readonly DkimVerifier Policy = new(new DkimKeyLocator(null));

    public static IReadOnlyList<SmtpDkimResult> Verify(ReceivedMessage received, SmtpDkimKeyCollection keys)
    {
        var message = received.Message;
        var fromDomain = message.From.Mailboxes.Count() == 1 && message.From.Count == 1 ? message.From.Mailboxes.Single().Domain : null;
        var results = new List<SmtpDkimResult>();
        foreach (var header in message.Headers)
        {
            if (header.Id == HeaderId.DkimSignature)
            {
                results.Add(VerifyOne(received, message, header, keys, fromDomain));
            }
        }

        return results;
    }

    private static SmtpDkimResult VerifyOne(ReceivedMessage received, MimeMessage message, Header header, SmtpDkimKeyCollection keys, string? fromDomain)
    {
        var tags = ParseTags(header);
        var domain = tags.GetValueOrDefault("d", string.Empty);
        var selector = tags.GetValueOrDefault("s", string.Empty);
        var algorithm = tags.GetValueOrDefault("a") switch
        {
            "rsa-sha256" => DkimSignatureAlgorithm.RsaSha256,
            "rsa-sha1" => DkimSignatureAlgorithm.RsaSha1,
            "ed25519-sha256" => DkimSignatureAlgorithm.Ed25519Sha256,
            _ => (DkimSignatureAlgorithm?)null,
        };
        SmtpDkimResult Fail(SmtpDkimFailure failure, string reason) => new(domain, selector, algorithm, fromDomain, failure, reason);

        foreach (var required in (string[])["v", "a", "b", "bh", "d", "h", "s"])
        {
            if (!tags.ContainsKey(required))
            {
                return Fail(SmtpDkimFailure.Malformed, $"malformed signature: the required tag {required}= is missing (RFC 6376 §3.5)");
            }
        }

        if (algorithm is not { } a || !Policy.IsEnabled(a))
        {
            return Fail(SmtpDkimFailure.AlgorithmDisabled, algorithm == DkimSignatureAlgorithm.RsaSha1
                ? "algorithm disabled: a=rsa-sha1 is not accepted, sign with rsa-sha256 (RFC 8301 §3.1)"
                : $"algorithm disabled: a={tags["a"]} is not a DKIM algorithm this verifier accepts (rsa-sha256, ed25519-sha256)");
        }

        var signedHeaders = tags["h"].Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!signedHeaders.Contains("from", StringComparer.OrdinalIgnoreCase))
        {
            return Fail(SmtpDkimFailure.FromNotSigned, $"From not signed: h={tags["h"]} must include from (RFC 6376 §5.4)");
        }

        if (tags.TryGetValue("x", out var x))
        {
            if (!long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            {
                return Fail(SmtpDkimFailure.Malformed, $"malformed signature: x={x} is not a number of seconds since 1970");
            }

            var expiry = DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, 253402300799));
            if (expiry < received.ReceivedAt)
            {
                return Fail(SmtpDkimFailure.Expired, string.Create(CultureInfo.InvariantCulture,
                    $"expired: the signature expired at {expiry:u} (x={x}), before the message arrived at {received.ReceivedAt.ToUniversalTime():u}"));
            }
        }

        if (keys.Find(domain, selector) is not { } key)
        {
            var known = keys.Snapshot().Where(k => string.Equals(k.Domain, domain, StringComparison.OrdinalIgnoreCase)).Select(k => k.Selector).ToArray();
            var hint = known.Length == 0 ? $"none for {domain}" : $"{domain} has selector(s) {string.Join(", ", known)}";
            return Fail(SmtpDkimFailure.NoKey, $"no key for selector: nothing registered for {selector}._domainkey.{domain} ({hint}); add it to DkimKeys");
        }

        var publicKey = DkimKeyLocator.Parse(key.PublicKeyRecord, out var error);
        if (publicKey is null)
        {
            return Fail(SmtpDkimFailure.NoKey, $"no key for selector: the record registered for {key.DnsName} is unusable ({error})");
        }

        var isEd25519Key = publicKey is Ed25519PublicKeyParameters;
        if (isEd25519Key != (a == DkimSignatureAlgorithm.Ed25519Sha256))
        {
            return Fail(SmtpDkimFailure.KeyTypeMismatch,
                $"key type mismatch: a={tags["a"]} but the key registered for {key.DnsName} is {(isEd25519Key ? "an Ed25519" : "an RSA")} key");
        }

        if (publicKey is RsaKeyParameters rsa && rsa.Modulus.BitLength < Policy.MinimumRsaKeyLength)
        {
            return Fail(SmtpDkimFailure.KeyTooShort, string.Create(CultureInfo.InvariantCulture,
                $"key too short: the RSA key for {key.DnsName} has {rsa.Modulus.BitLength} bits, at least {Policy.MinimumRsaKeyLength} are required (RFC 8301 §3.2)"));
        }

        var canonicalization = tags.GetValueOrDefault("c", "simple/simple");
        var bodyRelaxed = canonicalization.Split('/') is [_, var body] && body.Equals("relaxed", StringComparison.OrdinalIgnoreCase);
        long? length = null;
        if (tags.TryGetValue("l", out var l))
        {
            if (!long.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Fail(SmtpDkimFailure.Malformed, $"malformed signature: l={l} is not a number of octets");
            }

            length = parsed;
        }

        var bodyHash = DkimBodyHash.Compute(received.RawData.Span, a, bodyRelaxed, length);
        if (!string.Equals(bodyHash, tags["bh"], StringComparison.Ordinal))
        {
            return Fail(SmtpDkimFailure.BodyHashMismatch,
                $"body hash mismatch: the body was changed after signing (bh={tags["bh"]}, the body as received hashes to {bodyHash}, c={canonicalization})");
        }

        bool verified;
        try
        {
            verified = new DkimVerifier(new DkimKeyLocator(key)).Verify(message, header);
        }
        catch (FormatException e)
        {
            return Fail(SmtpDkimFailure.Malformed, "malformed signature: " + e.Message);
        }

        return verified
            ? new SmtpDkimResult(domain, selector, algorithm, fromDomain, SmtpDkimFailure.None, null)
            : Fail(SmtpDkimFailure.HeaderSignatureMismatch,
                $"header signature mismatch: the body is intact, but a signed header field (h={tags["h"]}) was changed after signing, or the message was signed with another key than the one registered for {key.DnsName}");
    }

    /// <summary>The tag=value list (RFC 6376 §3.2), folding whitespace removed; tag names are case-sensitive.</summary>
    internal static Dictionary<string, string> ParseTags(Header header)
    {
        var text = Encoding.UTF8.GetString(header.RawValue);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in text.Split(';'))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = item[..equals].Trim();
            var value = item[(equals + 1)..];
            value = name is "b" or "bh" or "h" ? string.Concat(value.Where(c => !char.IsWhiteSpace(c))) : value.Trim();
            tags.TryAdd(name, value);
        }

        return tags;
    }
}
