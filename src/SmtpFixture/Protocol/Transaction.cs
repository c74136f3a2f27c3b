namespace SmtpFixture.Protocol;

/// <summary>
/// One mail transaction (RFC 5321 §3.3): from an accepted MAIL FROM to the end of its message, RSET, or the end of
/// the session. It holds the envelope as it grows and the attempt that records it; the session owns the content
/// buffer (pooled memory reused by every transaction of the session).
/// </summary>
internal sealed class Transaction
{
    private readonly List<SmtpRecipient> _recipients = [];

    public Transaction(int number, string mailFrom, SmtpParameters mailParameters, SmtpAttempt attempt)
    {
        Number = number;
        MailFrom = mailFrom;
        MailParameters = mailParameters;
        Attempt = attempt;
    }

    /// <summary>The 1-based number of the transaction among all the server has seen since the last reset.</summary>
    public int Number { get; }

    /// <summary>The reverse-path, without angle brackets.</summary>
    public string MailFrom { get; }

    public SmtpParameters MailParameters { get; }

    public SmtpAttempt Attempt { get; }

    public IReadOnlyList<SmtpRecipient> Recipients => _recipients;

    /// <summary>Whether a BDAT chunk has been accepted: the message goes on with BDAT only (RFC 3030 §2).</summary>
    public bool IsChunking { get; private set; }

    /// <summary>Whether MAIL FROM asked for BODY=BINARYMIME, which only BDAT can carry (RFC 3030 §3).</summary>
    public bool IsBinaryMime => string.Equals(MailParameters.GetValueOrDefault("BODY"), "BINARYMIME", StringComparison.OrdinalIgnoreCase);

    /// <summary>The session state the transaction puts the session in.</summary>
    public SessionState State => IsChunking ? SessionState.Chunking : _recipients.Count > 0 ? SessionState.HasRecipients : SessionState.MailGiven;

    /// <summary>The forward-paths accepted so far, for the policies.</summary>
    public string[] RecipientAddresses()
    {
        var addresses = new string[_recipients.Count];
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i] = _recipients[i].Address;
        }

        return addresses;
    }

    public void AddRecipient(SmtpRecipient recipient) => _recipients.Add(recipient);

    public void StartChunking() => IsChunking = true;

    /// <summary>The envelope of the message that completes the transaction.</summary>
    public SmtpEnvelope ToEnvelope() => new(MailFrom, MailParameters, _recipients.ToArray());

}
