using SmtpFixture.Dkim;

namespace SmtpFixture;

// DKIM verification lives here, not in ReceivedMessage.cs: it needs the server's registered keys, which the
// session hands over when it creates the message (an extension method could not reach them).
public sealed partial class ReceivedMessage
{
    private static readonly SmtpDkimKeyCollection NoKeys = new();

    /// <summary>The keys registered with the server that received the message, standing in for DNS.</summary>
    internal SmtpDkimKeyCollection? DkimKeys { get; init; }

    /// <summary>
    /// Verifies every <c>DKIM-Signature</c> header field (RFC 6376) with the keys registered in
    /// <see cref="SmtpTestServerOptions.DkimKeys"/>, over the bytes exactly as received; no DNS is asked.
    /// </summary>
    /// <returns>One result per signature, in header order; empty when the message is not signed.</returns>
    public IReadOnlyList<SmtpDkimResult> VerifyDkim() => DkimVerification.Verify(this, DkimKeys ?? NoKeys);
}
