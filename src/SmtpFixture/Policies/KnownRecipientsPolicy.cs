namespace SmtpFixture.Policies;

/// <summary>Accepts only known recipients; RCPT TO for any other gets <c>550 5.1.1</c>.</summary>
internal sealed class KnownRecipientsPolicy : SmtpPolicy
{
    private readonly Func<string, bool> _isKnown;

    public KnownRecipientsPolicy(Func<string, bool> isKnown) => _isKnown = isKnown;

    public KnownRecipientsPolicy(IEnumerable<string> addressesOrDomains)
    {
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in addressesOrDomains)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(entry, nameof(addressesOrDomains));
            if (entry[0] == '@')
            {
                domains.Add(entry[1..]);
            }
            else if (!entry.Contains('@', StringComparison.Ordinal))
            {
                domains.Add(entry);
            }
            else
            {
                addresses.Add(entry);
            }
        }

        _isKnown = address =>
        {
            var at = address.LastIndexOf('@');
            return addresses.Contains(address) || (at >= 0 && domains.Contains(address[(at + 1)..]));
        };
    }

    public override string Name => "KnownRecipients";

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(_isKnown(context.Address ?? string.Empty) ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.MailboxUnavailable));
}
