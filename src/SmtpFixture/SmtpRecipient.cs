namespace SmtpFixture;

/// <summary>A forward-path accepted by RCPT TO, with its parameters (RFC 3461 NOTIFY and ORCPT among them).</summary>
public sealed class SmtpRecipient
{
    internal SmtpRecipient(string address, SmtpParameters parameters)
    {
        Address = address;
        Parameters = parameters;
    }

    /// <summary>The mailbox, without angle brackets.</summary>
    public string Address { get; }

    /// <summary>All ESMTP parameters given with RCPT TO.</summary>
    public SmtpParameters Parameters { get; }

    /// <summary>The RFC 3461 NOTIFY value (e.g. <c>SUCCESS,FAILURE</c>), or <see langword="null"/>.</summary>
    public string? Notify => Parameters.TryGetValue("NOTIFY", out var v) ? v : null;

    /// <summary>The RFC 3461 ORCPT value (e.g. <c>rfc822;bob@example.com</c>, still xtext-encoded), or <see langword="null"/>.</summary>
    public string? OriginalRecipient => Parameters.TryGetValue("ORCPT", out var v) ? v : null;

    /// <summary>The address and parameters as they appeared on RCPT TO.</summary>
    public override string ToString() => Parameters.Count == 0 ? $"<{Address}>" : $"<{Address}> {Parameters}";
}
